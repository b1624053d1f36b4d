package io.github.safetyspaces.core.data;

/**
 * A block of consecutive rows of a data file, numbered from 1 in file order, written
 * {@code first-last} in settings (for example {@code 261-520}). It splits one file into parts that
 * share no row, such as a training part and an evaluation part of AdvBench.
 *
 * @param first the first row kept, at least 1
 * @param last the last row kept, at least {@code first}
 */
public record RowRange(int first, int last) {

    /** Checks that the range is not empty and starts at row 1 or later. */
    public RowRange {
        if (first < 1 || last < first) {
            throw new IllegalArgumentException("Invalid row range " + first + "-" + last + ": rows are numbered from 1,"
                    + " and the last row must not come before the first, as in 1-260.");
        }
    }

    /**
     * Parses a range written {@code first-last}.
     *
     * @param text the range, for example {@code 261-520}
     * @return the range
     * @throws IllegalArgumentException if the text is not two positive numbers joined by {@code -}
     */
    public static RowRange parse(String text) {
        String[] parts = text == null ? new String[0] : text.trim().split("-", -1);
        try {
            if (parts.length == 2) {
                return new RowRange(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
            }
        } catch (NumberFormatException e) {
            // Reported below with the expected form.
        }
        throw new IllegalArgumentException("Invalid row range '" + text + "': write first-last with rows numbered"
                + " from 1, for example 1-260.");
    }

    /**
     * Tells whether a row number lies in the range.
     *
     * @param row a row number, from 1
     * @return true when {@code first <= row <= last}
     */
    public boolean contains(int row) {
        return row >= first && row <= last;
    }

    @Override
    public String toString() {
        return first + "-" + last;
    }
}
