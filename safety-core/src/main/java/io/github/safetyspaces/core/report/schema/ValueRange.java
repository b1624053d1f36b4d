package io.github.safetyspaces.core.report.schema;

/**
 * An interval of allowed numbers, each end open or closed; an infinite end is unbounded.
 *
 * @param min the lower end, or negative infinity
 * @param minInclusive whether the lower end itself is allowed
 * @param max the upper end, or positive infinity
 * @param maxInclusive whether the upper end itself is allowed
 */
public record ValueRange(double min, boolean minInclusive, double max, boolean maxInclusive) {

    /** [0, 1]: ratios, rates, MSO and baselines. */
    public static final ValueRange UNIT = new ValueRange(0, true, 1, true);

    /** (0, 1]: fracs and energy fractions η. */
    public static final ValueRange POSITIVE_UNIT = new ValueRange(0, false, 1, true);

    /** [-1, 1]: cosines. */
    public static final ValueRange COSINE = new ValueRange(-1, true, 1, true);

    /** [0, ∞): counts, norms, losses, times. */
    public static final ValueRange NON_NEGATIVE = atLeast(0);

    /** Checks that the ends are ordered. */
    public ValueRange {
        if (Double.isNaN(min) || Double.isNaN(max) || min > max) {
            throw new IllegalArgumentException("Invalid range: the lower end " + min + " must not exceed the upper end "
                    + max + ".");
        }
    }

    /**
     * Returns the closed range [min, ∞).
     *
     * @param min the lower end
     * @return the range
     */
    public static ValueRange atLeast(double min) {
        return new ValueRange(min, true, Double.POSITIVE_INFINITY, false);
    }

    /**
     * Returns whether a number lies in the range.
     *
     * @param value the number
     * @return true when allowed
     */
    public boolean contains(double value) {
        boolean aboveMin = minInclusive ? value >= min : value > min;
        boolean belowMax = maxInclusive ? value <= max : value < max;
        return aboveMin && belowMax;
    }

    /** Returns the range in interval notation, such as {@code (0, 1]} or {@code [0, inf)}. */
    @Override
    public String toString() {
        return (minInclusive ? "[" : "(") + format(min) + ", " + format(max) + (maxInclusive ? "]" : ")");
    }

    private static String format(double end) {
        if (Double.isInfinite(end)) {
            return end > 0 ? "inf" : "-inf";
        }
        return end == Math.rint(end) ? Long.toString((long) end) : Double.toString(end);
    }
}
