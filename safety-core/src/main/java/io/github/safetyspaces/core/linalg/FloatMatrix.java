package io.github.safetyspaces.core.linalg;

import io.github.safetyspaces.core.checkpoint.FloatTensor;
import java.util.Arrays;

/**
 * A dense row-major m x n matrix of float32 values.
 *
 * <p>The record keeps the array it is given and {@link #data()} returns that same array, not a copy,
 * because weight matrices reach 64 MB and more. Callers must not change the array afterwards.
 *
 * @param rows m, at least 1
 * @param columns n, at least 1
 * @param data m * n values, element (i, j) at index {@code i * n + j}
 */
public record FloatMatrix(int rows, int columns, float[] data) implements DenseMatrix {

    /** Checks that the shape is non-empty and matches the data length. */
    public FloatMatrix {
        MatrixChecks.requireShape(rows, columns, data.length);
    }

    /**
     * Wraps a 2-D tensor (for example a weight read from safetensors) without copying its data.
     *
     * @param tensor a tensor of shape [m, n]
     * @return an m x n matrix that shares the tensor's array
     * @throws IllegalArgumentException if the tensor is not 2-D; reshape a 1-D tensor to n x 1 first
     */
    public static FloatMatrix fromTensor(FloatTensor tensor) {
        long[] shape = tensor.shape();
        if (shape.length != 2) {
            throw new IllegalArgumentException("Expected a 2-D tensor, but the shape is " + Arrays.toString(shape)
                    + "; reshape it to a matrix first (a 1-D tensor of length n becomes n x 1).");
        }
        return new FloatMatrix(Math.toIntExact(shape[0]), Math.toIntExact(shape[1]), tensor.data());
    }

    @Override
    public Precision precision() {
        return Precision.FLOAT32;
    }

    @Override
    public double get(int row, int column) {
        return data[index(row, column)];
    }

    @Override
    public FloatMatrix leadingColumns(int count) {
        MatrixChecks.requireLeadingCount(count, columns);
        float[] result = new float[Math.multiplyExact(rows, count)];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(data, i * columns, result, i * count, count);
        }
        return new FloatMatrix(rows, count, result);
    }

    @Override
    public FloatMatrix selectColumns(int[] columnIndices) {
        MatrixChecks.requireColumnIndices(columnIndices, columns);
        int count = columnIndices.length;
        float[] result = new float[Math.multiplyExact(rows, count)];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < count; j++) {
                result[i * count + j] = data[i * columns + columnIndices[j]];
            }
        }
        return new FloatMatrix(rows, count, result);
    }

    private int index(int row, int column) {
        if (row < 0 || row >= rows || column < 0 || column >= columns) {
            throw new IndexOutOfBoundsException("Element (" + row + ", " + column + ") is outside a " + rows + " x "
                    + columns + " matrix.");
        }
        return row * columns + column;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FloatMatrix matrix
                && rows == matrix.rows
                && columns == matrix.columns
                && Arrays.equals(data, matrix.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * rows + columns) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "FloatMatrix[" + rows + " x " + columns + "]";
    }
}
