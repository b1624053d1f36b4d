package io.github.safetyspaces.core.training;

import ai.djl.engine.Engine;
import io.github.safetyspaces.core.engine.Engines;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The software and settings, besides a run's inputs, that decide the bits of trained weights: this
 * project's version, DJL's, libtorch's, and libtorch's intra-op thread count. A training state saved
 * under one environment is resumed only under the same one, because another would not continue the
 * run bit for bit.
 *
 * @param project this project's version
 * @param djl DJL's version
 * @param libtorch libtorch's version
 * @param threads libtorch's intra-op thread count
 */
public record TrainingEnvironment(String project, String djl, String libtorch, int threads) {

    /** Checks that no version is null. */
    public TrainingEnvironment {
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(djl, "djl");
        Objects.requireNonNull(libtorch, "libtorch");
    }

    /**
     * Returns the environment of this process; starts the engine.
     *
     * @return the versions and thread count in use
     */
    public static TrainingEnvironment current() {
        return new TrainingEnvironment(projectVersion(), Engine.getDjlVersion(), Engines.pytorch().getVersion(),
                Engines.intraOpThreads());
    }

    /**
     * Returns this project's version from the jar's manifest.
     *
     * @return the version, or a note when the classes are not packaged (in this project's own tests)
     */
    public static String projectVersion() {
        String own = TrainingEnvironment.class.getPackage().getImplementationVersion();
        return own == null ? "unknown (classes not packaged)" : own;
    }

    /**
     * Returns the values as text by the names that {@code state.json} uses, in a fixed order.
     *
     * @return {@code safety_spaces}, {@code djl}, {@code libtorch} and {@code libtorch_threads}
     */
    public Map<String, String> asMap() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("safety_spaces", project);
        values.put("djl", djl);
        values.put("libtorch", libtorch);
        values.put("libtorch_threads", Integer.toString(threads));
        return values;
    }

    /**
     * Describes the values that differ from another environment's.
     *
     * @param other the environment to compare with, such as the one a state was saved under
     * @return one entry per differing value, such as {@code libtorch_threads 4 (state) vs 2 (this run)};
     *     empty when they are the same
     */
    public List<String> differences(TrainingEnvironment other) {
        Map<String, String> mine = asMap();
        Map<String, String> theirs = other.asMap();
        List<String> differences = new ArrayList<>();
        for (Map.Entry<String, String> entry : mine.entrySet()) {
            String recorded = theirs.get(entry.getKey());
            if (!entry.getValue().equals(recorded)) {
                differences.add(entry.getKey() + " " + recorded + " (state) vs " + entry.getValue() + " (this run)");
            }
        }
        return differences;
    }
}
