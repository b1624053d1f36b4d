package io.github.safetyspaces.core.model;

/**
 * The side of each prompt on which a batch of prompts of mixed lengths is padded. With an attention mask and
 * positions counted over real tokens, both sides give every real token the same state as the
 * prompt alone, up to floating-point rounding.
 */
public enum PaddingSide {

    /** Padding before each prompt, so every prompt ends in the last column, as {@link Generator} pads. */
    LEFT,

    /** Padding after each prompt, so every prompt starts in column 0. */
    RIGHT
}
