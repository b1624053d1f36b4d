package io.github.safetyspaces.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FinetuneInputsTest {

    @Test
    void commandLineKeepsOrderAndTrims() {
        Map<String, Path> paths = FinetuneInputs.resolve(null, " useful = models/u , harmful=models/h");

        assertEquals(List.of("useful", "harmful"), List.copyOf(paths.keySet()));
        assertEquals(Path.of("models/u"), paths.get("useful"));
        assertEquals(Path.of("models/h"), paths.get("harmful"));
    }

    @Test
    void pomMapWinsOverCommandLine() {
        Map<String, File> configured = new LinkedHashMap<>();
        configured.put("useful", new File("pom/u"));

        Map<String, Path> paths = FinetuneInputs.resolve(configured, "harmful=models/h");

        assertEquals(Map.of("useful", Path.of("pom/u")), paths);
    }

    @Test
    void missingOrInvalidEntries() {
        assertTrue(FinetuneInputs.resolve(null, null).isEmpty());
        assertTrue(FinetuneInputs.resolve(Map.of(), " ").isEmpty());
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> FinetuneInputs.resolve(null, "useful=models/u,harmful"));
        assertTrue(error.getMessage().contains("'harmful'"), error.getMessage());
    }

    @Test
    void standaloneDefaultResolvedAgainstWorkingDirectory() {
        Path working = Path.of(System.getProperty("user.dir"));
        File unresolved = working.resolve("${project.basedir}").resolve("target/safety/update-spaces").toFile();

        assertEquals(working.resolve("target/safety/update-spaces"), AbstractSafetyMojo.resolveStandalone(unresolved));
        assertEquals(Path.of("out/x"), AbstractSafetyMojo.resolveStandalone(new File("out/x")));
    }
}
