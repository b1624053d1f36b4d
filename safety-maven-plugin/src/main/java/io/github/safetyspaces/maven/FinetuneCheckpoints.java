package io.github.safetyspaces.maven;

import java.io.File;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fine-tuned checkpoints of a goal, from the pom's {@code <finetunes>} map or the command line's
 * {@code -Dsafety.finetunes=name=DIR,...} list. Goals that take fine-tunes share the parameter names,
 * so one plugin-level configuration serves them all.
 */
final class FinetuneCheckpoints {

    private FinetuneCheckpoints() {
    }

    /**
     * Collects the fine-tunes by name: the pom map when it has entries, else the command-line list.
     *
     * @param pomEntries the {@code <finetunes>} map, or null
     * @param commandLine comma-separated {@code name=DIR} pairs, or null
     * @return the checkpoints by name in the given order; empty when neither is set
     * @throws IllegalArgumentException if a command-line entry is not a {@code name=DIR} pair
     */
    static Map<String, Path> parse(Map<String, File> pomEntries, String commandLine) {
        Map<String, Path> paths = new LinkedHashMap<>();
        if (pomEntries != null) {
            pomEntries.forEach((name, dir) -> paths.put(name, dir.toPath()));
        }
        if (paths.isEmpty() && commandLine != null) {
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
