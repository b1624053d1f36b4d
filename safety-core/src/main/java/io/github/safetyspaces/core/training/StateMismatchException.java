package io.github.safetyspaces.core.training;

/**
 * A training state that does not fit the run it is to continue, such as one of another length or
 * with other tensor shapes. The trainer does not know where the state lies, so a caller that does
 * names the folder to delete with {@link #mismatch()}.
 */
public final class StateMismatchException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String mismatch;

    /**
     * Creates the exception.
     *
     * @param mismatch what does not fit, without the fix
     */
    StateMismatchException(String mismatch) {
        super(mismatch + "; delete the training state folder to start over.");
        this.mismatch = mismatch;
    }

    /**
     * Returns what does not fit, without the fix, for a caller to add the folder's path.
     *
     * @return the description of the mismatch
     */
    public String mismatch() {
        return mismatch;
    }
}
