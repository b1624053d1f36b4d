package io.github.safetyspaces.core.checkpoint;

import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor entry of a safetensors header: where its bytes are and how to read them.
 *
 * @param name tensor name, such as {@code model.layers.0.self_attn.q_proj.weight}
 * @param dtype element type
 * @param shape dimensions, outermost first; empty for a scalar
 * @param begin offset of the first byte, relative to the start of the data section (the byte after
 *     the JSON header), exactly as the header's {@code data_offsets[0]}
 * @param end offset one past the last byte, relative to the start of the data section
 */
public record TensorInfo(String name, SafetensorsDType dtype, long[] shape, long begin, long end) {

    /** Checks that the byte range is ordered and has exactly the size that dtype and shape need. */
    public TensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        shape = shape.clone();
        if (begin < 0 || begin > end) {
            throw new IllegalArgumentException("Tensor '" + name + "' has invalid data offsets [" + begin + ", "
                    + end + "]: they must satisfy 0 <= begin <= end.");
        }
        long expected = byteLength(dtype, shape);
        if (end - begin != expected) {
            throw new IllegalArgumentException("Tensor '" + name + "' spans " + (end - begin) + " bytes but "
                    + dtype + " shape " + Arrays.toString(shape) + " needs " + expected + " bytes.");
        }
    }

    /**
     * Computes the bytes that a tensor of this dtype and shape occupies.
     *
     * @param dtype element type
     * @param shape dimensions
     * @return element count times element size
     * @throws IllegalArgumentException if a dimension is negative
     * @throws ArithmeticException if the size does not fit in a long
     */
    static long byteLength(SafetensorsDType dtype, long[] shape) {
        return Math.multiplyExact(FloatTensor.elementCount(shape), (long) dtype.byteSize());
    }

    /** Returns a copy of the shape. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /**
     * Returns the number of elements.
     *
     * @return the product of the dimensions (1 for a scalar)
     */
    public long elementCount() {
        return FloatTensor.elementCount(shape);
    }

    /**
     * Returns the number of data bytes.
     *
     * @return {@code end - begin}
     */
    public long byteLength() {
        return end - begin;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TensorInfo info
                && name.equals(info.name)
                && dtype == info.dtype
                && Arrays.equals(shape, info.shape)
                && begin == info.begin
                && end == info.end;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), begin, end);
    }

    @Override
    public String toString() {
        return "TensorInfo[" + name + ", " + dtype + Arrays.toString(shape) + ", bytes " + begin + ".." + end + "]";
    }
}
