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
        float[] kept = new float[update.length];
        for (int i = 0; i < kept.length; i++) {
            kept[i] = switch (this) {
                case SAME -> projected[i];
                case ORTH -> update[i] - projected[i];
                case OPP -> -projected[i];
            };
        }
        return kept;
    }
}
