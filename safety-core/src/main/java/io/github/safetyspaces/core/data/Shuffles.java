package io.github.safetyspaces.core.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded permutations that do not depend on the JDK's implementation of {@code Collections.shuffle}.
 * The random numbers come from {@link Random}, whose algorithm the Java specification fixes, so a
 * seed gives the same order on every JVM.
 */
final class Shuffles {

    /** The 64-bit golden ratio, which spreads consecutive salts over the seed space (as in SplitMix64). */
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private Shuffles() {
    }

    /**
     * Derives an independent seed for one part of a run (a mixture component, an epoch) from the
     * run's seed, with SplitMix64's finalizer so that nearby salts give unrelated seeds.
     */
    static long derive(long seed, long salt) {
        long z = seed + (salt + 1) * GOLDEN_GAMMA;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Returns a seeded permutation of {@code 0..size-1} by the Fisher-Yates shuffle. */
    static int[] permutation(int size, long seed) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Random random = new Random(seed);
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    /** Returns a new list with the items in the order of {@link #permutation(int, long)}. */
    static <T> List<T> shuffled(List<T> items, long seed) {
        int[] order = permutation(items.size(), seed);
        List<T> result = new ArrayList<>(items.size());
        for (int index : order) {
            result.add(items.get(index));
        }
        return result;
    }
}
