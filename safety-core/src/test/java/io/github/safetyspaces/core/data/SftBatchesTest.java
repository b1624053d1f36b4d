package io.github.safetyspaces.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SftBatchesTest {

    private static final int PAD = 0;

    @Test
    void smallBatchExactArrays() {
        // BOS 1, prompt 5, response 6 7, EOS 2; then BOS 1, prompt 8 9, response 3, EOS 2.
        SftExample first = new SftExample(new int[] {1, 5, 6, 7, 2}, 2);
        SftExample second = new SftExample(new int[] {1, 8, 9, 3, 2, 4}, 3);

        SftBatch batch = SftBatch.of(List.of(first, second), PAD);

        assertEquals(2, batch.batchSize());
        assertEquals(6, batch.length());
        assertArrayEquals(new long[] {1, 5, 6, 7, 2, 0, 1, 8, 9, 3, 2, 4}, batch.inputIds());
        assertArrayEquals(new long[] {1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1}, batch.attentionMask());
        assertArrayEquals(new long[] {5, 6, 7, 2, 0, 0, 8, 9, 3, 2, 4, 0}, batch.targets());
        // Position t counts when it predicts a response token or EOS: 6, 7, 2 and then 3, 2, 4.
        assertArrayEquals(new float[] {0, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0}, batch.lossWeights());
        assertEquals(6, batch.predictedTokens());
    }

    @Test
    void weightsMatchIndependentLoop() {
        Random random = new Random(42);
        List<SftExample> examples = randomExamples(random, 23);

        SftBatch batch = SftBatch.of(examples, 2);

        int length = examples.stream().mapToInt(SftExample::length).max().orElseThrow();
        assertEquals(length, batch.length());
        assertEquals(examples.size(), batch.batchSize());
        assertEquals(examples.size() * length, batch.inputIds().length);
        int predicted = 0;
        for (int b = 0; b < examples.size(); b++) {
            int[] ids = examples.get(b).ids();
            int responseStart = examples.get(b).responseStart();
            for (int t = 0; t < length; t++) {
                int flat = b * length + t;
                boolean real = t < ids.length;
                boolean hasNext = t + 1 < ids.length;
                boolean predictsResponse = hasNext && t + 1 >= responseStart;
                assertEquals(real ? ids[t] : 2, batch.inputIds()[flat], "input " + b + "," + t);
                assertEquals(real ? 1 : 0, batch.attentionMask()[flat], "mask " + b + "," + t);
                assertEquals(hasNext ? ids[t + 1] : 2, batch.targets()[flat], "target " + b + "," + t);
                assertEquals(predictsResponse ? 1f : 0f, batch.lossWeights()[flat], "weight " + b + "," + t);
                if (predictsResponse) {
                    predicted++;
                }
            }
        }
        assertEquals(predicted, batch.predictedTokens());
        assertEquals(examples.stream().mapToInt(SftExample::predictedTokens).sum(), batch.predictedTokens());
    }

    @Test
    void epochOrderReproducibleAndChanging() {
        SftBatches batches = new SftBatches(randomExamples(new Random(1), 40), 8, PAD, 123);
        SftBatches sameSeed = new SftBatches(randomExamples(new Random(1), 40), 8, PAD, 123);
        SftBatches otherSeed = new SftBatches(randomExamples(new Random(1), 40), 8, PAD, 124);

        int[] epoch0 = batches.epochOrder(0);
        int[] epoch1 = batches.epochOrder(1);

        assertArrayEquals(epoch0, sameSeed.epochOrder(0));
        assertArrayEquals(epoch1, sameSeed.epochOrder(1));
        assertFalse(Arrays.equals(epoch0, epoch1), "epochs 0 and 1 have the same order");
        assertFalse(Arrays.equals(epoch0, otherSeed.epochOrder(0)), "seeds 123 and 124 give the same order");
        int[] sorted = epoch0.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(i, sorted[i], "the order is a permutation");
        }
        assertThrows(IllegalArgumentException.class, () -> batches.epochOrder(-1));
    }

    @Test
    void epochCutIntoBatches() {
        List<SftExample> examples = randomExamples(new Random(9), 10);
        SftBatches batches = new SftBatches(examples, 4, PAD, 5);

        List<int[]> indexes = batches.batchIndexes(2);
        List<SftBatch> epoch = batches.epoch(2);

        assertEquals(3, batches.batchCount());
        assertEquals(List.of(4, 4, 2), indexes.stream().map(batch -> batch.length).toList());
        int[] flattened = indexes.stream().flatMapToInt(Arrays::stream).toArray();
        assertArrayEquals(batches.epochOrder(2), flattened);
        assertEquals(3, epoch.size());
        for (int i = 0; i < epoch.size(); i++) {
            List<SftExample> members = new ArrayList<>();
            for (int index : indexes.get(i)) {
                members.add(examples.get(index));
            }
            SftBatch expected = SftBatch.of(members, PAD);
            SftBatch actual = epoch.get(i);
            assertEquals(expected.batchSize(), actual.batchSize());
            assertArrayEquals(expected.inputIds(), actual.inputIds(), "batch " + i);
            assertArrayEquals(expected.lossWeights(), actual.lossWeights(), "batch " + i);
        }
    }

    @Test
    void hugeBatchSizeGivesOneBatch() {
        SftBatches batches = new SftBatches(randomExamples(new Random(3), 5), Integer.MAX_VALUE, PAD, 1);

        assertEquals(1, batches.batchCount());
        assertEquals(5, batches.batchIndexes(0).get(0).length);
    }

    @Test
    void invalidArgumentsRejected() {
        List<SftExample> examples = randomExamples(new Random(3), 2);

        assertThrows(IllegalArgumentException.class, () -> new SftBatches(List.of(), 4, PAD, 1));
        assertThrows(IllegalArgumentException.class, () -> new SftBatches(examples, 0, PAD, 1));
        assertThrows(IllegalArgumentException.class, () -> new SftBatches(examples, 4, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> SftBatch.of(List.of(), PAD));
        assertThrows(IllegalArgumentException.class,
                () -> new SftBatch(new long[2], new long[2], new long[2], new float[3], 1, 2, 0));
    }

    /** Builds examples of 2 to 20 tokens with ids in [3, 50) and a response start anywhere valid. */
    private static List<SftExample> randomExamples(Random random, int count) {
        List<SftExample> examples = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int length = 2 + random.nextInt(19);
            int[] ids = new int[length];
            for (int t = 0; t < length; t++) {
                ids[t] = 3 + random.nextInt(47);
            }
            int responseStart = random.nextInt(length);
            if (length <= Math.max(responseStart, 1)) {
                responseStart = length - 1;
            }
            examples.add(new SftExample(ids, responseStart));
        }
        return examples;
    }
}
