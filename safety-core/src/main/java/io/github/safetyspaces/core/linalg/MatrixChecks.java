package io.github.safetyspaces.core.linalg;

/** Argument checks that several classes of the package share. */
final class MatrixChecks {

    private MatrixChecks() {
    }

    /** Checks that a shape is non-empty and matches the length of the data array. */
    static void requireShape(int rows, int columns, int dataLength) {
        if (rows < 1 || columns < 1) {
            throw new IllegalArgumentException("A matrix needs at least one row and one column, but the shape is "
                    + rows + " x " + columns + ".");
        }
        long count = (long) rows * columns;
        if (count != dataLength) {
            throw new IllegalArgumentException("A " + rows + " x " + columns + " matrix has " + count
                    + " elements, but the data array has " + dataLength + ".");
        }
    }

    /** Checks that a column count for {@link DenseMatrix#leadingColumns} is in [1, columns]. */
    static void requireLeadingCount(int count, int columns) {
        if (count < 1 || count > columns) {
            throw new IllegalArgumentException("Cannot take " + count + " leading columns of a matrix with "
                    + columns + " columns; use a count in [1, " + columns + "].");
        }
    }

    /** Checks that column indices for {@link DenseMatrix#selectColumns} are in [0, columns). */
    static void requireColumnIndices(int[] columnIndices, int columns) {
        if (columnIndices.length == 0) {
            throw new IllegalArgumentException("Select at least one column.");
        }
        for (int index : columnIndices) {
            if (index < 0 || index >= columns) {
                throw new IllegalArgumentException("Column index " + index + " is outside [0, " + columns + ").");
            }
        }
    }

    /**
     * Rejects a matrix that contains NaN or an infinity, because LAPACK would either reject it with an
     * unhelpful argument number or return meaningless values.
     *
     * @param matrix the matrix to scan
     * @param role what the matrix is, for the message (for example "SVD input")
     */
    static void requireFinite(DenseMatrix matrix, String role) {
        int columns = matrix.columns();
        if (matrix instanceof FloatMatrix floats) {
            float[] data = floats.data();
            for (int i = 0; i < data.length; i++) {
                if (!Float.isFinite(data[i])) {
                    throw nonFinite(role, matrix, i / columns, i % columns, data[i]);
                }
            }
        } else if (matrix instanceof DoubleMatrix doubles) {
            double[] data = doubles.data();
            for (int i = 0; i < data.length; i++) {
                if (!Double.isFinite(data[i])) {
                    throw nonFinite(role, matrix, i / columns, i % columns, data[i]);
                }
            }
        }
    }

    private static IllegalArgumentException nonFinite(String role, DenseMatrix matrix, int row, int column,
            double value) {
        return new IllegalArgumentException("The " + role + " (" + matrix.rows() + " x " + matrix.columns()
                + ") contains " + value + " at row " + row + ", column " + column
                + "; only finite values are accepted, so check the tensor or computation that produced it.");
    }
}
