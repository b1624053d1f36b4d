package io.github.safetyspaces.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.safetyspaces.core.fuzz.FuzzInputs;
import io.github.safetyspaces.core.fuzz.ReaderFuzzTest;
import java.nio.file.Path;

/**
 * Fuzzes {@link ModelConfigJson#read}: any file either gives a configuration that survives writing and
 * reading back unchanged, or is rejected with {@link IllegalArgumentException}. Stored inputs:
 * {@code src/test/resources/io/github/safetyspaces/core/model/ModelConfigJsonFuzzTestInputs/readAndWrite}.
 */
class ModelConfigJsonFuzzTest {

    @ReaderFuzzTest
    void readAndWrite(byte[] bytes) {
        Path file = FuzzInputs.write(ModelConfigJson.FILE_NAME, bytes);
        ModelConfig config;
        try {
            config = ModelConfigJson.read(file);
        } catch (IllegalArgumentException e) {
            return;
        }

        String written = ModelConfigJson.toJson(config);
        assertEquals(config, ModelConfigJson.parse(written, "the written copy"), written);
    }
}
