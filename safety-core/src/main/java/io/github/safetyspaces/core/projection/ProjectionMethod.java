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
        for (int i = 0; i < projected.length; i++) {
            projected[i] = switch (this) {
                case SAME -> projected[i];
                case ORTH -> update[i] - projected[i];
                case OPP -> -projected[i];
            };
        }
    }
}
