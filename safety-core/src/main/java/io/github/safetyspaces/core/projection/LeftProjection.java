package io.github.safetyspaces.core.projection;

import io.github.safetyspaces.core.linalg.DenseMatrix;
import io.github.safetyspaces.core.linalg.DoubleMatrix;
import io.github.safetyspaces.core.linalg.FloatMatrix;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;

/**
 * Projection from the left onto the span of orthonormal columns: {@code PΔT = U (Uᵀ ΔT)} for a
 * matrix, and onto a single direction for a 1-D tensor.
 *
 * <p>The product is formed as two thin matrix products through BLAS {@code sgemm}, never as the
 * m x m projector {@code U Uᵀ}: for U of m x k and ΔT of m x n that costs {@code 4mnk} operations.
 */
public final class LeftProjection {

    /** Values per native row panel of {@link #projectNested}: 4 MiB of float32. */
    private static final int PANEL_VALUES = 1 << 20;

    /**
     * Basis columns per block of {@link #projectNested}: wide enough for sgemm to run near its peak, narrow
     * enough that a block and its coefficients stay small next to a tensor.
     */
    private static final int BLOCK_COLUMNS = 256;

    private LeftProjection() {
    }

    /**
     * Projects the columns of a row-major m x n matrix onto the span of the columns of {@code basis}.
     *
     * @param basis U, m x k with orthonormal columns (float32 or float64; used in float32)
     * @param update ΔT, row-major m x n
     * @param rows m
     * @param columns n
     * @return {@code U (Uᵀ ΔT)}, row-major m x n
     */
    public static float[] project(DenseMatrix basis, float[] update, int rows, int columns) {
        // One nested projection at k = all columns: the same products, on native row panels.
        return projectNested(basis, update, rows, columns, new int[] {basis.columns()}, (index, projected) -> { },
                PANEL_VALUES);
    }

    /** Receives the projections of {@link #projectNested}, one per dimension, in ascending order. */
    @FunctionalInterface
    public interface NestedSink {
        /**
         * Takes one projection. The array is reused for the next, larger one, so copy or write it here.
         *
         * @param index position of the dimension in the list passed to {@link #projectNested}
         * @param projected {@code U_k (U_kᵀ ΔT)}, row-major m x n
         */
        void accept(int index, float[] projected);
    }

    /**
     * Projects a row-major m x n matrix onto the spans of the first k_1 &lt;= k_2 &lt;= ... columns of one
     * basis, with the arithmetic of a single projection at the largest k.
     *
     * <p>The spans are nested, so {@code U_k2 U_k2ᵀ ΔT = U_k1 U_k1ᵀ ΔT + B (Bᵀ ΔT)} for the block
     * {@code B = U[:, k1:k2]}: each projection adds one block's share to the previous one. All of them
     * together cost {@code 4mnK} operations for the largest k = K, where separate projections would cost
     * 4mn times the sum of the k. Besides the update, the basis and the running sum, one block of at most
     * 256 basis columns is alive at a time. Its coefficients and three row panels of at most 4 MiB each
     * live in native memory.
     *
     * @param basis U, m x K with orthonormal columns, K at least the largest k
     * @param update ΔT, row-major m x n
     * @param rows m
     * @param columns n
     * @param dimensions k_1 &lt;= k_2 &lt;= ..., each in [0, K]; 0 gives a zero projection
     * @param sink receives each projection in order
     */
    public static void projectNested(DenseMatrix basis, float[] update, int rows, int columns, int[] dimensions,
            NestedSink sink) {
        projectNested(basis, update, rows, columns, dimensions, sink, PANEL_VALUES);
    }

    /**
     * Runs {@link #projectNested(DenseMatrix, float[], int, int, int[], NestedSink)} with panels of a given
     * size, and returns the last projection.
     */
    static float[] projectNested(DenseMatrix basis, float[] update, int rows, int columns, int[] dimensions,
            NestedSink sink, int panelValues) {
        if (basis.rows() != rows || update.length != (long) rows * columns) {
            throw new IllegalArgumentException("A basis of " + basis.rows() + " x " + basis.columns()
                    + " cannot project an update of " + rows + " x " + columns + " (" + update.length + " values).");
        }
        int previous = 0;
        for (int index = 0; index < dimensions.length; index++) {
            int k = dimensions[index];
            if (k < previous || k > basis.columns()) {
                throw new IllegalArgumentException("Invalid dimension " + k + " at position " + index + ": it must lie"
                        + " in [" + previous + ", " + basis.columns() + "], because the dimensions ascend and fit the"
                        + " basis.");
            }
            previous = k;
        }

        // The products run on native row panels: JNI would copy each whole Java array argument of sgemm in
        // and out again, a transient native copy of ΔT and of the running sum on every call. Blocks of at
        // most BLOCK_COLUMNS basis columns bound the coefficients and the block copies.
        int panelRows = Math.max(1, Math.min(rows, panelValues / columns));
        int widest = Math.max(1, Math.min(BLOCK_COLUMNS, basis.columns()));
        float[] projected = new float[update.length]; // the running sum, m x n
        try (FloatPointer updatePanel = new FloatPointer((long) panelRows * columns);
                FloatPointer sumPanel = new FloatPointer((long) panelRows * columns);
                FloatPointer blockPanel = new FloatPointer((long) panelRows * widest);
                FloatPointer coefficients = new FloatPointer((long) widest * columns)) {
            int done = 0;
            for (int index = 0; index < dimensions.length; index++) {
                for (int from = done; from < dimensions[index]; from += widest) {
                    int to = Math.min(from + widest, dimensions[index]);
                    int width = to - from;
                    float[] block = asFloats(columnRange(basis, from, to)); // B, m x width

                    // C = Bᵀ ΔT, width x n, summed over row panels.
                    for (int first = 0; first < rows; first += panelRows) {
                        int count = Math.min(panelRows, rows - first);
                        updatePanel.put(update, first * columns, count * columns);
                        blockPanel.put(block, first * width, count * width);
                        openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasTrans, openblas.CblasNoTrans,
                                width, columns, count, 1f, blockPanel, width, updatePanel, columns,
                                first == 0 ? 0f : 1f, coefficients, columns);
                    }

                    // PΔT += B C, m x n, one row panel at a time.
                    for (int first = 0; first < rows; first += panelRows) {
                        int count = Math.min(panelRows, rows - first);
                        sumPanel.put(projected, first * columns, count * columns);
                        blockPanel.put(block, first * width, count * width);
                        openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasNoTrans,
                                count, columns, width, 1f, blockPanel, width, coefficients, columns, 1f, sumPanel,
                                columns);
                        sumPanel.get(projected, first * columns, count * columns);
                    }
                }
                done = Math.max(done, dimensions[index]);
                sink.accept(index, projected);
            }
        }
        return projected;
    }

    private static DenseMatrix columnRange(DenseMatrix basis, int from, int to) {
        if (from == 0 && to == basis.columns()) {
            return basis;
        }
        if (basis instanceof FloatMatrix floats) {
            // Row by row with arraycopy: several times faster than selectColumns' element loop.
            int width = to - from;
            float[] block = new float[Math.multiplyExact(floats.rows(), width)];
            for (int i = 0; i < floats.rows(); i++) {
                System.arraycopy(floats.data(), i * floats.columns() + from, block, i * width, width);
            }
            return new FloatMatrix(floats.rows(), width, block);
        }
        int[] indices = new int[to - from];
        for (int j = 0; j < indices.length; j++) {
            indices[j] = from + j;
        }
        return basis.selectColumns(indices);
    }

    /**
     * Projects a vector onto one direction: {@code (⟨ΔT, a⟩ / ⟨a, a⟩) a}, with dot products in
     * double. A zero direction projects everything to zero.
     *
     * @param direction a, for example {@code vec(ΔA)} of a norm weight or bias
     * @param update ΔT, same length
     * @return the projection
     */
    public static float[] projectOntoDirection(float[] direction, float[] update) {
        if (direction.length != update.length) {
            throw new IllegalArgumentException("A direction of " + direction.length + " values cannot project an"
                    + " update of " + update.length + ".");
        }
        double dot = 0;
        double norm = 0;
        for (int i = 0; i < update.length; i++) {
            dot += (double) direction[i] * update[i];
            norm += (double) direction[i] * direction[i];
        }
        float[] projected = new float[update.length];
        if (norm == 0) {
            return projected;
        }
        double scale = dot / norm;
        for (int i = 0; i < update.length; i++) {
            projected[i] = (float) (scale * direction[i]);
        }
        return projected;
    }

    private static float[] asFloats(DenseMatrix matrix) {
        if (matrix instanceof FloatMatrix floats) {
            return floats.data();
        }
        double[] values = ((DoubleMatrix) matrix).data();
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        return floats;
    }
}
