package io.github.safetyspaces.core.model;

import java.util.Arrays;
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

        // Nucleus: the most probable tokens whose mass reaches topP. Sorting packs each probability's
        // float bits above the token id in a long, because positive floats order like their bits and a
        // primitive sort avoids boxing a vocabulary of 150,000 entries per token.
        int[] order;
        int kept;
        double keptMass;
        if (topP >= 1) {
            order = null;
            kept = vocab;
            keptMass = sum;
        } else {
            long[] packed = new long[vocab];
            for (int i = 0; i < vocab; i++) {
                packed[i] = ((long) Float.floatToIntBits((float) probabilities[i]) << 32) | i;
            }
            Arrays.sort(packed);
            order = new int[vocab];
            for (int i = 0; i < vocab; i++) {
                order[i] = (int) packed[vocab - 1 - i]; // descending probability
            }
            kept = 0;
            keptMass = 0;
            while (kept < vocab && (kept == 0 || keptMass < topP * sum)) {
                keptMass += probabilities[order[kept]];
                kept++;
            }
        }

        // Inverse-CDF draw within the kept tokens.
        double target = random.nextDouble() * keptMass;
        double cumulative = 0;
        for (int i = 0; i < kept; i++) {
            int token = order == null ? i : order[i];
            cumulative += probabilities[token];
            if (target < cumulative) {
                return token;
            }
        }
        return order == null ? kept - 1 : order[kept - 1];
    }
}
