package io.github.safetyspaces.core.linalg;

import java.util.Arrays;

/**
 * A dense row-major m x n matrix of float64 values.
 *
 * <p>The record keeps the array it is given and {@link #data()} returns that same array, not a copy,
 * because a float64 matrix of a weight's shape takes 128 MB and more. Callers must not change the array
 * afterwards.
 *
 * @param rows m, at least 1
 * @param columns n, at least 1
 * @param data m * n values, element (i, j) at index {@code i * n + j}
 */
public record DoubleMatrix(int rows, int columns, double[] data) implements DenseMatrix {

    /** Checks that the shape is non-empty and matches the data length. */
    public DoubleMatrix {
        MatrixChecks.requireShape(rows, columns, data.length);
    }

    @Override
    public Precision precision() {
        return Precision.FLOAT64;
    }

    @Override
    public double get(int row, int column) {
        return data[index(row, column)];
    }

    @Override
    public DoubleMatrix leadingColumns(int count) {
        MatrixChecks.requireLeadingCount(count, columns);
        double[] result = new double[Math.multiplyExact(rows, count)];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(data, i * columns, result, i * count, count);
        }
        return new DoubleMatrix(rows, count, result);
    }

    @Override
    public DoubleMatrix selectColumns(int[] columnIndices) {
        MatrixChecks.requireColumnIndices(columnIndices, columns);
        int count = columnIndices.length;
        double[] result = new double[Math.multiplyExact(rows, count)];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < count; j++) {
                result[i * count + j] = data[i * columns + columnIndices[j]];
            }
        }
        return new DoubleMatrix(rows, count, result);
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
        return other instanceof DoubleMatrix matrix
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
        return "DoubleMatrix[" + rows + " x " + columns + "]";
    }
}
