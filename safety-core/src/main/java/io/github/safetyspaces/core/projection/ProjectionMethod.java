package io.github.safetyspaces.core.projection;

import java.util.Locale;

/**
 * Combination of a fine-tune's task update {@code ΔT} with its projection {@code PΔT} onto a
 * subspace of the reference update. The kept part {@code K} is added to the aligned weights.
 */
public enum ProjectionMethod {
    /** {@code K = PΔT}: only the part of the update inside the subspace. */
    SAME,
    /** {@code K = ΔT - PΔT}: the update with the subspace removed (the idea behind SafeLoRA-style defences). */
    ORTH,
    /** {@code K = -PΔT}: the part inside the subspace, reversed. */
    OPP;

    /**
     * Parses a method name, ignoring case.
     *
     * @param name {@code same}, {@code orth} or {@code opp}
     * @return the method
     */
    public static ProjectionMethod parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("Invalid projection method '" + name + "': use same, orth or opp.", e);
        }
    }

    /**
     * Computes the kept part from the update and its projection, element by element.
     *
     * @param update {@code ΔT}
     * @param projected {@code PΔT}, same length
     * @return {@code K}, a new array
     */
    public float[] kept(float[] update, float[] projected) {
        float[] kept = projected.clone();
        keepInPlace(update, kept);
        return kept;
    }

    /** Returns whether the kept part needs {@code ΔT} itself and not only its projection: true for {@link #ORTH}. */
    public boolean needsUpdate() {
        return this == ORTH;
    }

    /**
     * Overwrites a projection with the projected weights {@code W = WA + K}, with the rounding of
     * {@link #keepInPlace} followed by the sum, in one loop.
     *
     * @param aligned WA
     * @param finetuned WF, so that {@code ΔT = WF - WA}; only {@link #ORTH} reads it, and null is
     *     allowed for the others (see {@link #needsUpdate()})
     * @param projected {@code PΔT} on entry and W on return
     */
    public void combineInPlace(float[] aligned, float[] finetuned, float[] projected) {
        if (aligned.length != projected.length || needsUpdate() && finetuned.length != projected.length) {
            throw new IllegalArgumentException("Aligned weights, fine-tuned weights and projection differ in length ("
                    + aligned.length + ", " + (finetuned == null ? "none" : finetuned.length) + ", "
                    + projected.length + ").");
        }
        // One loop per method, so that the method is not tested for every element.
        switch (this) {
            case SAME -> {
                for (int i = 0; i < projected.length; i++) {
                    projected[i] = projected[i] + aligned[i];
                }
            }
            case ORTH -> {
                for (int i = 0; i < projected.length; i++) {
                    float update = finetuned[i] - aligned[i];
                    projected[i] = (update - projected[i]) + aligned[i];
                }
            }
            case OPP -> {
                for (int i = 0; i < projected.length; i++) {
                    projected[i] = -projected[i] + aligned[i];
                }
            }
        }
    }

    /**
     * Overwrites a projection with the kept part, saving a tensor-sized array over {@link #kept}.
     *
     * @param update {@code ΔT}
     * @param projected {@code PΔT} on entry and {@code K} on return, as long as {@code update}
     */
    public void keepInPlace(float[] update, float[] projected) {
        if (update.length != projected.length) {
            throw new IllegalArgumentException("Update and projection differ in length (" + update.length + ", "
                    + projected.length + ").");
        }
        switch (this) {
            case SAME -> {
                // K = PΔT already.
            }
            case ORTH -> {
                for (int i = 0; i < projected.length; i++) {
                    projected[i] = update[i] - projected[i];
                }
            }
            case OPP -> {
                for (int i = 0; i < projected.length; i++) {
                    projected[i] = -projected[i];
                }
            }
        }
    }
}
