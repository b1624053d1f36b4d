package io.github.safetyspaces.core.data;

import java.util.Locale;
import java.util.Objects;

/**
 * Equality filter that keeps the rows of a data file whose field has a given value, written
 * {@code field=value} in settings (for example {@code is_safe=false} to keep BeaverTails' harmful
 * rows).
 *
 * <p>The comparison uses the field's text form: a string's content, a number as written in the
 * file ({@code 1.0} does not match {@code 1}), and {@code true} or {@code false} for a JSON boolean.
 * CSV fields are always text. The comparison is case-sensitive, except that the words {@code true}
 * and {@code false} match in any case, because pandas writes booleans to CSV as {@code True} and
 * {@code False} while JSON writes {@code true} and {@code false}. A row that lacks the field, or has
 * JSON null there, never matches. An object or array matches only its compact JSON text.
 *
 * @param field the field name, not blank
 * @param value the value to match, possibly empty (which matches an empty string)
 */
public record RowFilter(String field, String value) {

    /** Checks that the field name is not blank. */
    public RowFilter {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(value, "value");
        if (field.isBlank()) {
            throw new IllegalArgumentException("A row filter needs a field name, got a blank one with value '"
                    + value + "'; write filters as field=value, for example is_safe=false.");
        }
    }

    /**
     * Parses a filter written as {@code field=value}. The text is split at the first {@code =}, and
     * spaces around the field and the value are removed.
     *
     * @param text the filter, for example {@code is_safe=false}
     * @return the filter
     * @throws IllegalArgumentException if the text has no {@code =} or no field name
     */
    public static RowFilter parse(String text) {
        Objects.requireNonNull(text, "text");
        int equals = text.indexOf('=');
        if (equals < 0) {
            throw new IllegalArgumentException("Invalid row filter '" + text + "': expected field=value, for"
                    + " example is_safe=false.");
        }
        String field = text.substring(0, equals).trim();
        if (field.isEmpty()) {
            throw new IllegalArgumentException("Invalid row filter '" + text + "': the field name before '=' is"
                    + " empty; write field=value, for example is_safe=false.");
        }
        return new RowFilter(field, text.substring(equals + 1).trim());
    }

    /**
     * Tests a field's text form against this filter's value.
     *
     * @param text the field's text form, or null if the row lacks the field or has JSON null there
     * @return whether the row passes this filter
     */
    public boolean matches(String text) {
        if (text == null) {
            return false;
        }
        if (isBooleanWord(value) && isBooleanWord(text)) {
            return value.equalsIgnoreCase(text);
        }
        return value.equals(text);
    }

    private static boolean isBooleanWord(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        return lower.equals("true") || lower.equals("false");
    }

    /** Returns the filter as {@code field=value}, the form {@link #parse(String)} reads. */
    @Override
    public String toString() {
        return field + "=" + value;
    }
}
