package io.github.safetyspaces.core.projection;

import io.github.safetyspaces.core.linalg.DenseMatrix;
import io.github.safetyspaces.core.linalg.DoubleMatrix;
import io.github.safetyspaces.core.linalg.FloatMatrix;
import org.bytedeco.openblas.global.openblas;

/**
 * Projection from the left onto the span of orthonormal columns: {@code PΔT = U (Uᵀ ΔT)} for a
 * matrix, and onto a single direction for a 1-D tensor.
 *
 * <p>The product is formed as two thin matrix products through BLAS {@code sgemm}, never as the
 * m x m projector {@code U Uᵀ}: for U of m x k and ΔT of m x n that costs {@code 4mnk} operations and
 * {@code k n} extra floats.
 */
public final class LeftProjection {

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
        if (basis.rows() != rows || update.length != (long) rows * columns) {
            throw new IllegalArgumentException("A basis of " + basis.rows() + " x " + basis.columns()
                    + " cannot project an update of " + rows + " x " + columns + " (" + update.length + " values).");
        }
        int k = basis.columns();
        float[] u = asFloats(basis);

        // C = Uᵀ ΔT, k x n.
        float[] coefficients = new float[k * columns];
        openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasTrans, openblas.CblasNoTrans, k, columns, rows,
                1f, u, k, update, columns, 0f, coefficients, columns);

        // PΔT = U C, m x n.
        float[] projected = new float[rows * columns];
        openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasNoTrans, rows, columns, k,
                1f, u, k, coefficients, columns, 0f, projected, columns);
        return projected;
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
