package io.github.safetyspaces.core.model;

/** Why the generation of one prompt ended. */
public enum FinishReason {
    /** The model produced an end-of-sequence token. */
    EOS,
    /** The decoded completion contained a stop string. */
    STOP_STRING,
    /** The maximum number of new tokens was reached. */
    MAX_NEW_TOKENS
}
