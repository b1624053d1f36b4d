package io.github.safetyspaces.core.checkpoint;

import java.util.Arrays;

/**
 * A dense float32 tensor in row-major order, the exchange type between checkpoint readers,
 * writers and the model.
 *
 * @param shape dimensions, outermost first; empty for a scalar
 * @param data values in row-major order; its length is the product of {@code shape}
 */
public record FloatTensor(long[] shape, float[] data) {

    /** Checks that the data length matches the shape. */
    public FloatTensor {
        long count = elementCount(shape);
        if (count != data.length) {
            throw new IllegalArgumentException("Tensor shape " + Arrays.toString(shape) + " holds " + count
                    + " elements but " + data.length + " values were given.");
        }
    }

    /**
     * Returns the number of elements of a shape.
     *
     * @param shape dimensions
     * @return their product (1 for a scalar)
     */
    public static long elementCount(long[] shape) {
        long count = 1;
        for (long dimension : shape) {
            if (dimension < 0) {
                throw new IllegalArgumentException("Negative dimension in shape " + Arrays.toString(shape));
            }
            count = Math.multiplyExact(count, dimension);
        }
        return count;
    }

    /** Returns a copy of the shape. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FloatTensor tensor
                && Arrays.equals(shape, tensor.shape)
                && Arrays.equals(data, tensor.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "FloatTensor" + Arrays.toString(shape);
    }
}
