package io.github.safetyspaces.core.model;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;

/**
 * Temperature and nucleus (top-p) sampling from one row of logits, in double precision.
 */
final class Sampling {

    private Sampling() {
    }

    /**
     * Draws one token.
     *
     * @param logits logits of several rows, row-major
     * @param offset start of the row
     * @param vocab row length
     * @param temperature positive temperature
     * @param topP probability mass kept, in (0, 1]
     * @param random the row's random stream
     * @return the token id
     */
    static int sample(float[] logits, int offset, int vocab, double temperature, double topP, SplittableRandom random) {
        // Softmax of logits / temperature, shifted by the maximum for stability.
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            max = Math.max(max, logits[offset + i]);
        }
        double[] probabilities = new double[vocab];
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            probabilities[i] = Math.exp((logits[offset + i] - max) / temperature);
            sum += probabilities[i];
        }

        // Most probable tokens first; keep the smallest prefix whose mass reaches topP.
        Integer[] order = new Integer[vocab];
        for (int i = 0; i < vocab; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> probabilities[i]).reversed());
        int kept = 0;
        double keptMass = 0;
        while (kept < vocab && (kept == 0 || keptMass < topP * sum)) {
            keptMass += probabilities[order[kept]];
            kept++;
        }

        // Inverse-CDF draw within the kept tokens.
        double target = random.nextDouble() * keptMass;
        double cumulative = 0;
        for (int i = 0; i < kept; i++) {
            cumulative += probabilities[order[i]];
            if (target < cumulative) {
                return order[i];
            }
        }
        return order[kept - 1];
    }
}
