package io.github.safetyspaces.core.checkpoint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** Checks between {@link TensorSource}s that must share an architecture. */
public final class TensorSources {

    private TensorSources() {
    }

    /**
     * Checks that two checkpoints have the same tensor names and shapes, so that their difference is
     * defined tensor by tensor.
     *
     * @param expected the checkpoint that sets the names and shapes, for example the aligned model
     * @param expectedLabel names it in the message, for example {@code the aligned model}
     * @param actual the checkpoint to check
     * @param actualLabel names it in the message, for example {@code Fine-tune 'useful'}
     * @param remedy the last sentence of the message: what to do next
     * @throws IllegalArgumentException listing every missing, extra or reshaped tensor with both shapes
     */
    public static void requireSameTensors(TensorSource expected, String expectedLabel, TensorSource actual,
            String actualLabel, String remedy) {
        Set<String> names = expected.names();
        List<String> problems = new ArrayList<>();
        for (String tensor : names) {
            if (!actual.names().contains(tensor)) {
                problems.add(tensor + " (missing)");
            } else if (!Arrays.equals(expected.shape(tensor), actual.shape(tensor))) {
                problems.add(tensor + " " + Arrays.toString(actual.shape(tensor)) + " (" + expectedLabel + ": "
                        + Arrays.toString(expected.shape(tensor)) + ")");
            }
        }
        for (String tensor : actual.names()) {
            if (!names.contains(tensor)) {
                problems.add(tensor + " (not in " + expectedLabel + ")");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(actualLabel + " does not match the tensors of " + expectedLabel + ": "
                    + problems + ". " + remedy);
        }
    }
}
