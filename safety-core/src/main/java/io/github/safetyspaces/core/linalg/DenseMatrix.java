package io.github.safetyspaces.core.linalg;

/**
 * A dense row-major matrix of float32 or float64 values: element (i, j) of an m x n matrix is at index
 * {@code i * n + j} of the backing array.
 */
public sealed interface DenseMatrix permits FloatMatrix, DoubleMatrix {

    /** Returns the number of rows, m. */
    int rows();

    /** Returns the number of columns, n. */
    int columns();

    /** Returns the precision of the stored values. */
    Precision precision();

    /**
     * Returns one element, widened to double.
     *
     * @param row row index in [0, m)
     * @param column column index in [0, n)
     * @return the element at (row, column)
     */
    double get(int row, int column);

    /**
     * Copies the first {@code count} columns into a new m x count matrix of the same precision, for
     * example the top-k left singular vectors of an {@link Svd}.
     *
     * @param count number of leading columns, in [1, n]
     * @return a new matrix
     */
    DenseMatrix leadingColumns(int count);

    /**
     * Copies the given columns, in the given order, into a new m x columns.length matrix of the same
     * precision, for example singular vectors chosen by {@link RandomBases#chooseColumns}.
     *
     * @param columnIndices indices in [0, n); repeats are allowed
     * @return a new matrix
     */
    DenseMatrix selectColumns(int[] columnIndices);
}
