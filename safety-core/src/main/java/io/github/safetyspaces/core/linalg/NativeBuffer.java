package io.github.safetyspaces.core.linalg;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * Native memory of one precision for a LAPACK or BLAS call, with copies from and to row-major Java
 * matrices. Closing it frees the memory at once instead of waiting for JavaCPP's garbage collection.
 *
 * <p>Copies that convert precision or transpose go through a Java chunk of {@link #CHUNK} values, so
 * they never hold a second full-size Java array.
 */
final class NativeBuffer implements AutoCloseable {

    /** Values per chunk in converting or transposing copies: 256 KiB of float32, small next to any matrix. */
    private static final int CHUNK = 1 << 16;

    private final Precision precision;
    private final long size;
    private final FloatPointer floats;
    private final DoublePointer doubles;

    private NativeBuffer(Precision precision, long size) {
        this.precision = precision;
        this.size = size;
        this.floats = precision == Precision.FLOAT32 ? new FloatPointer(size) : null;
        this.doubles = precision == Precision.FLOAT64 ? new DoublePointer(size) : null;
    }

    /** Allocates {@code size} values of the given precision; the contents start undefined. */
    static NativeBuffer allocate(Precision precision, long size) {
        if (size < 1) {
            throw new IllegalArgumentException("A native buffer needs at least one value, not " + size + ".");
        }
        return new NativeBuffer(precision, size);
    }

    Precision precision() {
        return precision;
    }

    FloatPointer floats() {
        return floats;
    }

    DoublePointer doubles() {
        return doubles;
    }

    /** Returns the value at {@code index}, widened to double. */
    double get(long index) {
        return precision == Precision.FLOAT32 ? floats.get(index) : doubles.get(index);
    }

    /** Returns the first {@code count} values, widened to double. */
    double[] readDoubles(int count) {
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] = get(i);
        }
        return values;
    }

    /**
     * Copies the first {@code columnCount} columns of a row-major m x n matrix into this buffer, converting
     * to this buffer's precision.
     *
     * @param matrix the source, m x n row-major
     * @param columnCount how many leading columns to copy (n for all)
     * @param transpose false to keep row-major order (m x columnCount, which LAPACK reads as column-major
     *     columnCount x m), true to write column-major m x columnCount with leading dimension m
     */
    void write(DenseMatrix matrix, int columnCount, boolean transpose) {
        int rows = matrix.rows();
        int columns = matrix.columns();
        requireCapacity((long) rows * columnCount);
        if (!transpose && columnCount == columns && matrix.precision() == precision) {
            // Same layout and type: one memcpy through JNI.
            if (matrix instanceof FloatMatrix source) {
                floats.put(source.data(), 0, source.data().length);
            } else {
                double[] data = ((DoubleMatrix) matrix).data();
                doubles.put(data, 0, data.length);
            }
            return;
        }
        ChunkWriter writer = new ChunkWriter();
        if (transpose) {
            for (int j = 0; j < columnCount; j++) {
                for (int i = 0; i < rows; i++) {
                    writer.add(matrix, i * columns + j);
                }
            }
        } else {
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < columnCount; j++) {
                    writer.add(matrix, i * columns + j);
                }
            }
        }
        writer.flush();
    }

    /**
     * Copies the start of this buffer into a new row-major Java matrix of this buffer's precision.
     *
     * @param rows m of the result
     * @param columns n of the result
     * @param transposed false if the buffer contains the result row-major (the same memory as column-major
     *     n x m), true if it contains the result column-major with leading dimension m
     * @return a new m x n matrix
     */
    DenseMatrix read(int rows, int columns, boolean transposed) {
        int count = Math.multiplyExact(rows, columns);
        requireCapacity(count);
        if (precision == Precision.FLOAT32) {
            float[] result = new float[count];
            if (!transposed) {
                floats.get(result, 0, count);
            } else {
                float[] chunk = new float[Math.min(CHUNK, count)];
                for (int start = 0; start < count; start += chunk.length) {
                    int length = Math.min(chunk.length, count - start);
                    floats.getPointer(start).get(chunk, 0, length);
                    for (int t = 0; t < length; t++) {
                        // Native index start + t is element (i, j) = ((start + t) % m, (start + t) / m).
                        int i = (start + t) % rows;
                        int j = (start + t) / rows;
                        result[i * columns + j] = chunk[t];
                    }
                }
            }
            return new FloatMatrix(rows, columns, result);
        }
        double[] result = new double[count];
        if (!transposed) {
            doubles.get(result, 0, count);
        } else {
            double[] chunk = new double[Math.min(CHUNK, count)];
            for (int start = 0; start < count; start += chunk.length) {
                int length = Math.min(chunk.length, count - start);
                doubles.getPointer(start).get(chunk, 0, length);
                for (int t = 0; t < length; t++) {
                    int i = (start + t) % rows;
                    int j = (start + t) / rows;
                    result[i * columns + j] = chunk[t];
                }
            }
        }
        return new DoubleMatrix(rows, columns, result);
    }

    /** Returns the sum of squares of the first {@code count} values, accumulated in double. */
    double sumOfSquares(long count) {
        requireCapacity(count);
        double sum = 0;
        if (precision == Precision.FLOAT32) {
            float[] chunk = new float[(int) Math.min(CHUNK, count)];
            for (long start = 0; start < count; start += chunk.length) {
                int length = (int) Math.min(chunk.length, count - start);
                floats.getPointer(start).get(chunk, 0, length);
                for (int t = 0; t < length; t++) {
                    sum += (double) chunk[t] * chunk[t];
                }
            }
        } else {
            double[] chunk = new double[(int) Math.min(CHUNK, count)];
            for (long start = 0; start < count; start += chunk.length) {
                int length = (int) Math.min(chunk.length, count - start);
                doubles.getPointer(start).get(chunk, 0, length);
                for (int t = 0; t < length; t++) {
                    sum += chunk[t] * chunk[t];
                }
            }
        }
        return sum;
    }

    private void requireCapacity(long count) {
        if (count > size) {
            throw new IllegalStateException("A copy of " + count + " values does not fit a native buffer of " + size
                    + "; this is a bug in the caller.");
        }
    }

    @Override
    public void close() {
        if (floats != null) {
            floats.close();
        } else {
            doubles.close();
        }
    }

    /** Fills a Java chunk in native order and copies it out whenever it is full. */
    private final class ChunkWriter {
        private final float[] floatChunk = precision == Precision.FLOAT32 ? new float[CHUNK] : null;
        private final double[] doubleChunk = precision == Precision.FLOAT64 ? new double[CHUNK] : null;
        private int filled;
        private long offset;

        void add(DenseMatrix matrix, int sourceIndex) {
            double value = matrix instanceof FloatMatrix source
                    ? source.data()[sourceIndex]
                    : ((DoubleMatrix) matrix).data()[sourceIndex];
            if (floatChunk != null) {
                floatChunk[filled] = (float) value;
            } else {
                doubleChunk[filled] = value;
            }
            filled++;
            if (filled == CHUNK) {
                flush();
            }
        }

        void flush() {
            if (filled == 0) {
                return;
            }
            if (floatChunk != null) {
                floats.getPointer(offset).put(floatChunk, 0, filled);
            } else {
                doubles.getPointer(offset).put(doubleChunk, 0, filled);
            }
            offset += filled;
            filled = 0;
        }
    }
}
