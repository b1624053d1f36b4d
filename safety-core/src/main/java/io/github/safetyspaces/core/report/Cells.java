package io.github.safetyspaces.core.report;

import java.math.BigDecimal;

/** Parsing of the cell texts that the goals write. */
public final class Cells {

    private Cells() {
    }

    /**
     * Parses a decimal number in the plain or scientific notation that the goals write, such as
     * {@code 0.250000}, {@code -1} or {@code 1.5e-05}.
     *
     * @param cell the cell text
     * @return the number, or null when the text is empty, not a number, NaN or infinite
     */
    public static BigDecimal parseDecimal(String cell) {
        String text = cell.trim();
        if (text.isEmpty()) {
            return null;
        }
        try {
            // BigDecimal accepts only finite decimals: no NaN, Infinity, hex or type suffixes such as 1d.
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * Returns a cell as a double.
     *
     * @param cell the cell text, possibly null
     * @return the value, or NaN when the cell is missing, empty or not a finite decimal
     */
    public static double toDouble(String cell) {
        BigDecimal number = cell == null ? null : parseDecimal(cell);
        return number == null ? Double.NaN : number.doubleValue();
    }

    /**
     * Returns whether a cell reads as NaN or an infinite number, in any spelling that Java or Python
     * writes: {@code NaN}, {@code nan}, {@code Infinity}, {@code -inf} and the like.
     *
     * @param cell the cell text
     * @return true for a non-finite number
     */
    public static boolean isNonFinite(String cell) {
        String value = cell.trim();
        if (value.equalsIgnoreCase("nan") || value.equalsIgnoreCase("inf") || value.equalsIgnoreCase("-inf")
                || value.equalsIgnoreCase("+inf")) {
            return true;
        }
        try {
            return !Double.isFinite(Double.parseDouble(value));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * Writes a cell in one canonical form for matching rows by key: a decimal number without trailing
     * zeros in plain notation, so {@code 0.5}, {@code 0.500000} and {@code 5e-1} become {@code 0.5}, and
     * any other text unchanged.
     *
     * @param cell the cell text
     * @return the canonical text
     */
    public static String canonical(String cell) {
        BigDecimal number = parseDecimal(cell);
        return number == null ? cell : number.stripTrailingZeros().toPlainString();
    }
}
