package io.github.safetyspaces.core.updatespaces;

import java.util.ArrayList;
import java.util.List;

/**
 * Two named updates whose subspaces are compared. MSO is symmetric, so the order only sets which update
 * is reported as x and which as y.
 *
 * @param x the first update's name
 * @param y the second update's name, different from x
 */
public record UpdatePair(String x, String y) {

    /** Checks that both names are present and differ. */
    public UpdatePair {
        if (x == null || x.isBlank() || y == null || y.isBlank()) {
            throw new IllegalArgumentException("A pair needs two update names, but got '" + x + "' and '" + y
                    + "'; write pairs as x:y, for example useful:harmful.");
        }
        if (x.equals(y)) {
            throw new IllegalArgumentException("The pair " + x + ":" + y + " compares an update with itself, which"
                    + " always gives MSO 1; name two different updates.");
        }
    }

    /**
     * Parses {@code x:y}, trimming spaces around both names.
     *
     * @param text for example {@code useful:alignment}
     * @return the pair
     * @throws IllegalArgumentException naming the text when it has no single colon or a name is empty
     */
    public static UpdatePair parse(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("Invalid pair '" + text + "': write x:y with two update names, for"
                    + " example useful:harmful.");
        }
        return new UpdatePair(parts[0].trim(), parts[1].trim());
    }

    /**
     * Lists every unordered pair of distinct names: for names a, b, c the pairs a:b, a:c, b:c.
     *
     * @param names update names in the order to report them
     * @return the pairs
     */
    public static List<UpdatePair> allOf(List<String> names) {
        List<UpdatePair> pairs = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            for (int j = i + 1; j < names.size(); j++) {
                pairs.add(new UpdatePair(names.get(i), names.get(j)));
            }
        }
        return pairs;
    }

    /** Returns {@code x:y}. */
    public String label() {
        return x + ":" + y;
    }
}
