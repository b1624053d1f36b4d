package io.github.safetyspaces.maven;

import java.io.File;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fine-tunes that several goals take in the same two forms: a {@code <finetunes>} map in the pom, or
 * the command-line property {@code safety.finetunes} as {@code name=DIR} pairs separated by commas.
 */
final class FinetuneInputs {

    private FinetuneInputs() {
    }

    /**
     * Resolves the fine-tunes by name, in the given order. The pom map wins when it has entries, so that a
     * {@code -Dsafety.finetunes} left in the environment does not mix with a configured map.
     *
     * @param configured the {@code <finetunes>} map, or null
     * @param commandLine the value of {@code safety.finetunes}, or null
     * @return paths by name; empty when neither form has entries
     * @throws IllegalArgumentException naming an entry of the command-line form that is not {@code name=DIR}
     */
    static Map<String, Path> resolve(Map<String, File> configured, String commandLine) {
        Map<String, Path> paths = new LinkedHashMap<>();
        if (configured != null) {
            configured.forEach((name, dir) -> paths.put(name, dir.toPath()));
        }
        if (paths.isEmpty() && commandLine != null && !commandLine.isBlank()) {
            for (String pair : commandLine.split(",")) {
                String[] parts = pair.trim().split("=", 2);
                if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                    throw new IllegalArgumentException("Invalid entry '" + pair + "' in -Dsafety.finetunes: use"
                            + " name=DIR pairs separated by commas.");
                }
                paths.put(parts[0].trim(), Path.of(parts[1].trim()));
            }
        }
        return paths;
    }
}
