package io.github.safetyspaces.core.data;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts a tokenized data set into batches in a seeded order that changes from epoch to epoch. The
 * order of an epoch depends only on the seed, the epoch number and the number of examples, so a run
 * resumed at an epoch gets the same batches as an uninterrupted one.
 */
public final class SftBatches {

    private final List<SftExample> examples;
    private final int batchSize;
    private final int padId;
    private final long seed;

    /**
     * Creates the batching of a data set.
     *
     * @param examples the examples, at least one
     * @param batchSize the number of examples per batch, at least 1; the last batch of an epoch may be smaller
     * @param padId the pad id, a valid token id such as EOS (see {@link SftBatch#of(List, int)})
     * @param seed the seed of the epoch orders
     * @throws IllegalArgumentException if there are no examples, the batch size is below 1 or the pad id
     *     is negative
     */
    public SftBatches(List<SftExample> examples, int batchSize, int padId, long seed) {
        this.examples = List.copyOf(examples);
        if (this.examples.isEmpty()) {
            throw new IllegalArgumentException("Batching needs at least one example; the data set is empty.");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("The batch size must be at least 1, got " + batchSize + ".");
        }
        if (padId < 0) {
            throw new IllegalArgumentException("The pad id must be a valid token id, got " + padId + ".");
        }
        this.batchSize = batchSize;
        this.padId = padId;
        this.seed = seed;
    }

    /**
     * Returns the order in which an epoch visits the examples: a permutation of their indexes, seeded by
     * the seed and the epoch number.
     *
     * @param epoch the epoch number, at least 0
     * @return the example indexes in visiting order
     */
    public int[] epochOrder(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("Epoch numbers start at 0, got " + epoch + ".");
        }
        return Shuffles.permutation(examples.size(), Shuffles.derive(seed, epoch));
    }

    /**
     * Cuts an epoch's order into the example indexes of each batch.
     *
     * @param epoch the epoch number, at least 0
     * @return the indexes of each batch, in order
     */
    public List<int[]> batchIndexes(int epoch) {
        int[] order = epochOrder(epoch);
        List<int[]> batches = new ArrayList<>(batchCount());
        for (int start = 0; start < order.length; ) {
            // Computed as a difference so that a batch size near Integer.MAX_VALUE cannot overflow.
            int end = start + Math.min(batchSize, order.length - start);
            batches.add(Arrays.copyOfRange(order, start, end));
            start = end;
        }
        return batches;
    }

    /**
     * Returns an epoch's batches as a list that builds each batch when it is read, so an epoch does not
     * hold all its arrays at once.
     *
     * @param epoch the epoch number, at least 0
     * @return the batches, in order
     */
    public List<SftBatch> epoch(int epoch) {
        List<int[]> indexes = batchIndexes(epoch);
        return new AbstractList<>() {
            @Override
            public SftBatch get(int index) {
                int[] members = indexes.get(index);
                List<SftExample> batch = new ArrayList<>(members.length);
                for (int member : members) {
                    batch.add(examples.get(member));
                }
                return SftBatch.of(batch, padId);
            }

            @Override
            public int size() {
                return indexes.size();
            }
        };
    }

    /**
     * Returns the number of batches per epoch.
     *
     * @return {@code ceil(examples / batchSize)}
     */
    public int batchCount() {
        // The same as ceil(examples / batchSize), without the overflow of examples + batchSize - 1.
        return (examples.size() - 1) / batchSize + 1;
    }

    /**
     * Returns the number of examples.
     *
     * @return the data set's size
     */
    public int exampleCount() {
        return examples.size();
    }

    /**
     * Returns the example at an index of {@link #epochOrder(int)}.
     *
     * @param index the example's index
     * @return the example
     */
    public SftExample example(int index) {
        return examples.get(index);
    }

    /**
     * Returns the number of examples per full batch.
     *
     * @return the batch size
     */
    public int batchSize() {
        return batchSize;
    }
}
