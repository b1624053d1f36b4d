package io.github.safetyspaces.core.linalg;

import java.util.Arrays;
import java.util.Random;

/**
 * Float64 reference linear algebra for the tests, written without LAPACK so that it can check it: a
 * one-sided Jacobi SVD, Gram-Schmidt bases and matrix products on small double[][] matrices. Public so that
 * tests of the analyses built on the package can construct inputs with known spectra and subspaces.
 */
public final class Reference {

    private Reference() {
    }

    /** Returns an m x n matrix of standard normal values. */
    public static double[][] gaussian(int rows, int columns, Random random) {
        double[][] a = new double[rows][columns];
        for (double[] row : a) {
            for (int j = 0; j < columns; j++) {
                row[j] = random.nextGaussian();
            }
        }
        return a;
    }

    /**
     * Returns a d x k matrix with orthonormal columns, from modified Gram-Schmidt run twice on a Gaussian
     * matrix (the second pass restores orthogonality to double precision).
     */
    public static double[][] orthonormal(int dimension, int count, Random random) {
        double[][] q = gaussian(dimension, count, random);
        for (int pass = 0; pass < 2; pass++) {
            for (int j = 0; j < count; j++) {
                for (int p = 0; p < j; p++) {
                    double dot = 0;
                    for (int i = 0; i < dimension; i++) {
                        dot += q[i][p] * q[i][j];
                    }
                    for (int i = 0; i < dimension; i++) {
                        q[i][j] -= dot * q[i][p];
                    }
                }
                double norm = 0;
                for (int i = 0; i < dimension; i++) {
                    norm += q[i][j] * q[i][j];
                }
                norm = Math.sqrt(norm);
                for (int i = 0; i < dimension; i++) {
                    q[i][j] /= norm;
                }
            }
        }
        return q;
    }

    /**
     * Returns A = Q1 diag(s) Q2ᵀ (m x n) with random orthonormal Q1 (m x r) and Q2 (n x r), r = s.length, so
     * A has exactly the singular values s (plus zeros up to min(m, n)). Returns Q1 as the second element.
     */
    static double[][][] withSpectrum(int rows, int columns, double[] singularValues, Random random) {
        int rank = singularValues.length;
        double[][] left = orthonormal(rows, rank, random);
        double[][] right = orthonormal(columns, rank, random);
        double[][] a = new double[rows][columns];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < columns; j++) {
                double sum = 0;
                for (int p = 0; p < rank; p++) {
                    sum += left[i][p] * singularValues[p] * right[j][p];
                }
                a[i][j] = sum;
            }
        }
        return new double[][][] {a, left};
    }

    /**
     * Returns the singular values of A in descending order by the one-sided Jacobi method (Hestenes):
     * plane rotations orthogonalize the columns of A (of Aᵀ when A is wide), and the column norms are then
     * the singular values.
     */
    public static double[] singularValues(double[][] matrix) {
        double[][] a = matrix.length >= matrix[0].length ? copy(matrix) : transpose(matrix);
        int rows = a.length;
        int columns = a[0].length;
        for (int sweep = 0; sweep < 100; sweep++) {
            boolean rotated = false;
            for (int p = 0; p < columns - 1; p++) {
                for (int q = p + 1; q < columns; q++) {
                    double alpha = 0;
                    double beta = 0;
                    double gamma = 0;
                    for (int i = 0; i < rows; i++) {
                        alpha += a[i][p] * a[i][p];
                        beta += a[i][q] * a[i][q];
                        gamma += a[i][p] * a[i][q];
                    }
                    if (Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta) || gamma == 0) {
                        continue;
                    }
                    rotated = true;
                    double zeta = (beta - alpha) / (2 * gamma);
                    double t = Math.signum(zeta) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
                    if (zeta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(1 + t * t);
                    double s = c * t;
                    for (int i = 0; i < rows; i++) {
                        double ap = a[i][p];
                        double aq = a[i][q];
                        a[i][p] = c * ap - s * aq;
                        a[i][q] = s * ap + c * aq;
                    }
                }
            }
            if (!rotated) {
                break;
            }
        }
        double[] values = new double[columns];
        for (int j = 0; j < columns; j++) {
            double norm = 0;
            for (int i = 0; i < rows; i++) {
                norm += a[i][j] * a[i][j];
            }
            values[j] = Math.sqrt(norm);
        }
        Arrays.sort(values);
        for (int i = 0; i < columns / 2; i++) {
            double swap = values[i];
            values[i] = values[columns - 1 - i];
            values[columns - 1 - i] = swap;
        }
        return values;
    }

    public static double[][] transpose(double[][] a) {
        double[][] t = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }

    public static double[][] multiply(double[][] a, double[][] b) {
        double[][] c = new double[a.length][b[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int p = 0; p < b.length; p++) {
                for (int j = 0; j < b[0].length; j++) {
                    c[i][j] += a[i][p] * b[p][j];
                }
            }
        }
        return c;
    }

    /** Returns ‖Aᵀ B‖²_F, the numerator of the MSO. */
    static double crossEnergy(double[][] a, double[][] b) {
        double[][] product = multiply(transpose(a), b);
        double sum = 0;
        for (double[] row : product) {
            for (double value : row) {
                sum += value * value;
            }
        }
        return sum;
    }

    /** Returns the columns from index {@code from} (inclusive) to {@code to} (exclusive). */
    public static double[][] columns(double[][] a, int from, int to) {
        double[][] result = new double[a.length][to - from];
        for (int i = 0; i < a.length; i++) {
            System.arraycopy(a[i], from, result[i], 0, to - from);
        }
        return result;
    }

    /** Returns max |AᵀA − I|, the departure of the columns from orthonormality. */
    static double orthonormalityError(double[][] a) {
        double[][] gram = multiply(transpose(a), a);
        double error = 0;
        for (int i = 0; i < gram.length; i++) {
            for (int j = 0; j < gram.length; j++) {
                error = Math.max(error, Math.abs(gram[i][j] - (i == j ? 1 : 0)));
            }
        }
        return error;
    }

    static double maxAbsDifference(double[][] a, double[][] b) {
        double difference = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                difference = Math.max(difference, Math.abs(a[i][j] - b[i][j]));
            }
        }
        return difference;
    }

    static double[][] copy(double[][] a) {
        double[][] result = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            result[i] = a[i].clone();
        }
        return result;
    }

    /** Returns a matrix of the given precision; float32 rounds each value. */
    static DenseMatrix toMatrix(double[][] a, Precision precision) {
        int rows = a.length;
        int columns = a[0].length;
        if (precision == Precision.FLOAT32) {
            float[] data = new float[rows * columns];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < columns; j++) {
                    data[i * columns + j] = (float) a[i][j];
                }
            }
            return new FloatMatrix(rows, columns, data);
        }
        double[] data = new double[rows * columns];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(a[i], 0, data, i * columns, columns);
        }
        return new DoubleMatrix(rows, columns, data);
    }

    /** Returns the values of a matrix as double[][] (exact for both precisions). */
    static double[][] toArray(DenseMatrix matrix) {
        double[][] a = new double[matrix.rows()][matrix.columns()];
        for (int i = 0; i < matrix.rows(); i++) {
            for (int j = 0; j < matrix.columns(); j++) {
                a[i][j] = matrix.get(i, j);
            }
        }
        return a;
    }
}
