package io.github.safetyspaces.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.safetyspaces.core.eval.PromptSource;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ActivationsMojoTest {

    @Test
    void promptSetListNamesFieldsAndFiles() {
        List<PromptSetFile> entries = ActivationsMojo.parsePromptSetList(
                "useful:question=data/gsm8k.jsonl, harmful=data/harmful.csv");

        assertEquals(2, entries.size());
        PromptSource useful = entries.get(0).toSource(0, 0, 42);
        assertEquals("useful", entries.get(0).name());
        assertEquals("question", useful.promptField());
        assertEquals(Path.of("data/gsm8k.jsonl"), useful.path());
        assertTrue(useful.sampleSize().isEmpty(), "sample 0 keeps every prompt");
        PromptSource harmful = entries.get(1).toSource(1, 50, 7);
        assertEquals("harmful", entries.get(1).name());
        assertEquals("instruction", harmful.promptField(), "the default field");
        assertEquals(50, harmful.sampleSize().getAsInt());
        assertEquals(7, harmful.seed());
    }

    @Test
    void malformedPromptSetEntriesAreRejected() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ActivationsMojo.parsePromptSetList("useful:question"));
        assertTrue(error.getMessage().contains("'useful:question'"), error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ActivationsMojo.parsePromptSetList("=file.csv"));
        assertThrows(IllegalArgumentException.class,
                () -> new PromptSetFile(null, new File("x.csv"), "goal").toSource(0, 0, 1));
    }
}
