package io.github.safetyspaces.core.linalg;

/**
 * A LAPACK routine returned a nonzero {@code info}: a positive code means that the algorithm failed
 * (for {@code gesdd}, the divide-and-conquer step did not converge), a negative code that an argument was
 * invalid or that LAPACKE could not allocate its workspace.
 */
public final class LapackException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String routine;
    private final int info;

    /**
     * Creates an exception for one failed call.
     *
     * @param routine the LAPACK routine, for example {@code sgesdd}
     * @param info the nonzero code it returned
     * @param message the full message, with the matrix shape and what to do next
     */
    public LapackException(String routine, int info, String message) {
        super(message);
        this.routine = routine;
        this.info = info;
    }

    /** Returns the LAPACK routine that failed, for example {@code sgesdd}. */
    public String routine() {
        return routine;
    }

    /** Returns the {@code info} code that the routine returned. */
    public int info() {
        return info;
    }
}
