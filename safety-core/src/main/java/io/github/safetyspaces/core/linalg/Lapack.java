package io.github.safetyspaces.core.linalg;

import org.bytedeco.openblas.global.openblas;

/**
 * The OpenBLAS routines that the package calls, dispatched on precision, with every LAPACK {@code info}
 * code checked. All matrices here are column-major, as LAPACK and the column-major CBLAS calls expect.
 *
 * <p>OpenBLAS runs each call on its own thread pool. The package never changes the thread count or
 * any other global setting of the library.
 */
final class Lapack {

    private Lapack() {
    }

    /**
     * Runs {@code ?gesdd}, the divide-and-conquer SVD of a column-major m x n matrix, through the LAPACKE
     * wrapper that queries and allocates the optimal workspace.
     *
     * @param jobz 'N' (values only), 'O', 'S' or 'A', as in LAPACK
     * @param shape the shape of the caller's matrix, for error messages
     */
    static void gesdd(char jobz, int m, int n, NativeBuffer a, int lda, NativeBuffer s, NativeBuffer u, int ldu,
            NativeBuffer vt, int ldvt, String shape) {
        Precision precision = a.precision();
        int info = precision == Precision.FLOAT32
                ? openblas.LAPACKE_sgesdd(openblas.LAPACK_COL_MAJOR, (byte) jobz, m, n, a.floats(), lda, s.floats(),
                        u.floats(), ldu, vt.floats(), ldvt)
                : openblas.LAPACKE_dgesdd(openblas.LAPACK_COL_MAJOR, (byte) jobz, m, n, a.doubles(), lda,
                        s.doubles(), u.doubles(), ldu, vt.doubles(), ldvt);
        checkInfo(precision.routine("gesdd"), info, shape);
    }

    /**
     * Runs {@code ?gelqf}, the LQ factorization A = L Q of a column-major m x n matrix with m ≤ n. On return
     * L is in the lower triangle of {@code a} and Q is stored as Householder reflectors with factors
     * {@code tau} (m values).
     */
    static void gelqf(int m, int n, NativeBuffer a, int lda, NativeBuffer tau, String shape) {
        Precision precision = a.precision();
        int info = precision == Precision.FLOAT32
                ? openblas.LAPACKE_sgelqf(openblas.LAPACK_COL_MAJOR, m, n, a.floats(), lda, tau.floats())
                : openblas.LAPACKE_dgelqf(openblas.LAPACK_COL_MAJOR, m, n, a.doubles(), lda, tau.doubles());
        checkInfo(precision.routine("gelqf"), info, shape);
    }

    /**
     * Runs {@code ?orglq}, which overwrites the output of {@link #gelqf} with the m x n matrix Q whose rows
     * are orthonormal.
     */
    static void orglq(int m, int n, int k, NativeBuffer a, int lda, NativeBuffer tau, String shape) {
        Precision precision = a.precision();
        int info = precision == Precision.FLOAT32
                ? openblas.LAPACKE_sorglq(openblas.LAPACK_COL_MAJOR, m, n, k, a.floats(), lda, tau.floats())
                : openblas.LAPACKE_dorglq(openblas.LAPACK_COL_MAJOR, m, n, k, a.doubles(), lda, tau.doubles());
        checkInfo(precision.routine("orglq"), info, shape);
    }

    /**
     * Computes C = A Bᵀ with {@code ?gemm}, for a column-major kx x d matrix A (leading dimension kx), a
     * column-major ky x d matrix B (leading dimension ky) and a column-major kx x ky result C. All three
     * buffers have one precision.
     */
    static void gemmTransposeB(int kx, int ky, int d, NativeBuffer a, NativeBuffer b, NativeBuffer c) {
        if (a.precision() == Precision.FLOAT32) {
            openblas.cblas_sgemm(openblas.CblasColMajor, openblas.CblasNoTrans, openblas.CblasTrans, kx, ky, d, 1f,
                    a.floats(), kx, b.floats(), ky, 0f, c.floats(), kx);
        } else {
            openblas.cblas_dgemm(openblas.CblasColMajor, openblas.CblasNoTrans, openblas.CblasTrans, kx, ky, d, 1d,
                    a.doubles(), kx, b.doubles(), ky, 0d, c.doubles(), kx);
        }
    }

    /**
     * Raises a {@link LapackException} for a nonzero {@code info}, with the routine, the shape of the
     * caller's matrix, the code and what to do next.
     *
     * @param routine for example {@code sgesdd}
     * @param info the returned code
     * @param shape the caller's matrix shape, for example "2048 x 8192"
     */
    static void checkInfo(String routine, int info, String shape) {
        if (info == 0) {
            return;
        }
        String message;
        if (info > 0) {
            message = routine + " did not converge on a " + shape + " matrix (info = " + info + ")"
                    + "; retry in float64 (Precision.FLOAT64), and check the matrix for extreme values.";
        } else if (info == openblas.LAPACK_WORK_MEMORY_ERROR || info == openblas.LAPACK_TRANSPOSE_MEMORY_ERROR) {
            message = "LAPACKE could not allocate native memory for " + routine + " on a " + shape
                    + " matrix (info = " + info + "); free native memory outside the Java heap, or use float32.";
        } else {
            message = routine + " rejected its argument " + (-info) + " for a " + shape + " matrix (info = " + info
                    + "); this is a bug in io.github.safetyspaces.core.linalg, so report it with the shape.";
        }
        throw new LapackException(routine, info, message);
    }
}
