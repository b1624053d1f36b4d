package io.github.safetyspaces.core.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.safetyspaces.core.LanguageModel;
import io.github.safetyspaces.core.engine.ComputeDevice;
import io.github.safetyspaces.core.io.Sha256;
import io.github.safetyspaces.core.model.GenerationOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedModelTest {

    @TempDir
    Path temporary;

    @Test
    void writesPublishedFiles() throws IOException {
        Path checkpoint = EmbeddedModel.write(temporary.resolve("model"));

        // The checksums published with llama2.c's tinyllamas.
        assertEquals("b0a507e7ad0f626624f17112325e66691f9076d622e1d3274d103d00299f2696", Sha256.ofFile(checkpoint));
        assertEquals("037cb335abb25d1fa9e8ecae30ed2a3a8ace9302862ebcdc05d51a6bbb10c312",
                Sha256.ofFile(checkpoint.resolveSibling(EmbeddedModel.TOKENIZER)));
        assertTrue(Files.readString(checkpoint.resolveSibling(EmbeddedModel.LICENSE)).contains("MIT License"));
    }

    @Test
    void writtenModelTellsTheKnownStory() {
        Path checkpoint = EmbeddedModel.write(temporary.resolve("model"));
        try (LanguageModel model = LanguageModel.open(checkpoint, null, ComputeDevice.CPU)) {
            String text = model.complete(List.of(""), new GenerationOptions(20, 0, 1, 0, List.of(), 1)).get(0).text();
            assertTrue(text.startsWith("Once upon a time, there was a little girl named Lily."), text);
        }
    }

    @Test
    void secondWriteKeepsFiles() throws IOException {
        Path checkpoint = EmbeddedModel.write(temporary);
        long modified = Files.getLastModifiedTime(checkpoint).toMillis();
        EmbeddedModel.write(temporary);
        assertEquals(modified, Files.getLastModifiedTime(checkpoint).toMillis());
        try (var files = Files.list(temporary)) {
            assertEquals(3, files.count(), "no temporary file is left");
        }
    }
}
