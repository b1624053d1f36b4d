package io.github.safetyspaces.core.data;

import java.util.Locale;
import java.util.Objects;

/**
 * How many rows a {@link DataMixture} takes from one component: all of them, a fixed count, or a
 * ratio of the number of rows taken from the first component.
 *
 * @param kind which of the three rules applies
 * @param count the number of rows for {@link Kind#COUNT}, at least 0; 0 for the other kinds
 * @param ratio the ratio for {@link Kind#RATIO}, finite and at least 0; 0 for the other kinds
 */
public record ComponentSize(Kind kind, int count, double ratio) {

    /** The rule that sets a component's number of rows. */
    public enum Kind {
        /** Every row that the component's source returns. */
        ALL,
        /** A fixed number of rows, drawn at random. */
        COUNT,
        /** {@code round(ratio * n)} rows drawn at random, where n is the first component's number of rows. */
        RATIO
    }

    /** Checks that only the kind's own value is set and that it is in range. */
    public ComponentSize {
        Objects.requireNonNull(kind, "kind");
        if (count < 0) {
            throw new IllegalArgumentException("A component's row count must be at least 0, got " + count + ".");
        }
        if (!Double.isFinite(ratio) || ratio < 0) {
            throw new IllegalArgumentException("A component's ratio must be a finite number of at least 0, got "
                    + ratio + ".");
        }
        if (kind != Kind.COUNT && count != 0) {
            throw new IllegalArgumentException("Only a COUNT size has a count, but " + kind + " has " + count + ".");
        }
        if (kind != Kind.RATIO && ratio != 0) {
            throw new IllegalArgumentException("Only a RATIO size has a ratio, but " + kind + " has " + ratio + ".");
        }
    }

    /**
     * Returns the size that takes every row.
     *
     * @return the size
     */
    public static ComponentSize all() {
        return new ComponentSize(Kind.ALL, 0, 0);
    }

    /**
     * Returns the size that takes a fixed number of rows.
     *
     * @param count the number of rows, at least 0
     * @return the size
     */
    public static ComponentSize count(int count) {
        return new ComponentSize(Kind.COUNT, count, 0);
    }

    /**
     * Returns the size that takes a ratio of the first component's number of rows, for example 0.2 for
     * 20 harmful rows per 100 useful rows.
     *
     * @param ratio the ratio, at least 0
     * @return the size
     */
    public static ComponentSize ratio(double ratio) {
        return new ComponentSize(Kind.RATIO, 0, ratio);
    }

    /**
     * Parses a size as users write it in settings: {@code all}, an integer for a count ({@code 500}), or
     * a number with a decimal point for a ratio ({@code 0.2}, {@code 1.0}).
     *
     * @param text the setting
     * @return the size
     * @throws IllegalArgumentException if the text matches none of these forms
     */
    public static ComponentSize parse(String text) {
        Objects.requireNonNull(text, "text");
        String trimmed = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (trimmed.equals("all")) {
                return all();
            }
            if (trimmed.contains(".")) {
                return ratio(Double.parseDouble(trimmed));
            }
            return count(Integer.parseInt(trimmed));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid component size '" + text + "'; write all, a row count such as"
                    + " 500, or a ratio of the first component's rows with a decimal point such as 0.2.", e);
        }
    }

    /**
     * Computes the number of rows this size takes.
     *
     * @param available the number of rows the component's source returns
     * @param firstComponentRows the number of rows taken from the first component
     * @return the number of rows, which may exceed {@code available}
     */
    int rowsFor(int available, int firstComponentRows) {
        return switch (kind) {
            case ALL -> available;
            case COUNT -> count;
            // A huge ratio saturates, and the mixture then reports that the component has too few rows.
            case RATIO -> (int) Math.min(Integer.MAX_VALUE, Math.round(ratio * firstComponentRows));
        };
    }

    /** Returns the size as {@link #parse(String)} reads it. */
    @Override
    public String toString() {
        return switch (kind) {
            case ALL -> "all";
            case COUNT -> Integer.toString(count);
            case RATIO -> Double.toString(ratio);
        };
    }
}
