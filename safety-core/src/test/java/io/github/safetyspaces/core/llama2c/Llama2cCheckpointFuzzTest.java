package io.github.safetyspaces.core.llama2c;

import io.github.safetyspaces.core.checkpoint.TensorSource;
import io.github.safetyspaces.core.fuzz.FuzzInputs;
import io.github.safetyspaces.core.fuzz.ReaderFuzzTest;
import java.nio.file.Path;

/**
 * Fuzzes {@link Llama2cCheckpoint#read}: any file either reads as a checkpoint whose configuration is
 * valid and whose tensors all read, or is rejected with {@link IllegalArgumentException}. Stored
 * inputs: {@code src/test/resources/io/github/safetyspaces/core/llama2c/Llama2cCheckpointFuzzTestInputs/read}.
 */
class Llama2cCheckpointFuzzTest {

    @ReaderFuzzTest
    void read(byte[] bytes) {
        Path file = FuzzInputs.write("model.bin", bytes);
        Llama2cCheckpoint checkpoint;
        try {
            checkpoint = Llama2cCheckpoint.read(file);
        } catch (IllegalArgumentException e) {
            return;
        }

        checkpoint.config();
        TensorSource tensors = checkpoint.tensors();
        for (String name : tensors.names()) {
            tensors.read(name);
        }
    }
}
