package io.github.safetyspaces.core.linalg;

/** Floating-point precision of a native computation and of the matrices it returns. */
public enum Precision {

    /** IEEE 754 binary32: LAPACK's {@code s} routines and {@link FloatMatrix} results. */
    FLOAT32(0x1p-23),

    /** IEEE 754 binary64: LAPACK's {@code d} routines and {@link DoubleMatrix} results. */
    FLOAT64(0x1p-52);

    private final double machineEpsilon;

    Precision(double machineEpsilon) {
        this.machineEpsilon = machineEpsilon;
    }

    /**
     * Returns the machine epsilon, the distance from 1 to the next larger representable number
     * (LAPACK's {@code EPS * BASE}).
     *
     * @return 2^-23 for float32, 2^-52 for float64
     */
    public double machineEpsilon() {
        return machineEpsilon;
    }

    /** Returns the LAPACK routine name for this precision, for example {@code sgesdd} for {@code gesdd}. */
    String routine(String name) {
        return (this == FLOAT32 ? "s" : "d") + name;
    }
}
