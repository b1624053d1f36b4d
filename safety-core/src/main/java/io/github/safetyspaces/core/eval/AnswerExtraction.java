package io.github.safetyspaces.core.eval;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Extracts numeric answers from model output and reference solutions by the GSM8K convention, where
 * a worked solution ends in {@code #### N}.
 *
 * <p>A number is an optional minus sign, an optional dollar sign, digits with or without comma
 * thousands separators ({@code 1,000} but not {@code 1,00}), and an optional decimal part. A number
 * must not follow a letter, digit or dot, so the minus of {@code 10-15} is read as an operator and
 * the number is {@code 15}, and {@code x2} contains no number. A dot not followed by a digit, as at the
 * end of a sentence, is not part of the number.
 *
 * <p>Normalized answers drop the dollar sign and the commas and are written without trailing zeros
 * or exponent, so {@code $1,000.50} becomes {@code 1000.5}, {@code 5.0} becomes {@code 5} and
 * {@code -0} becomes {@code 0}.
 */
public final class AnswerExtraction {

    /** The marker that precedes the final answer in GSM8K solutions. */
    public static final String ANSWER_MARKER = "####";

    private static final String NUMBER = "(?<![\\w.])-?\\$?(?:\\d{1,3}(?:,\\d{3})+(?!\\d)|\\d+)(?:\\.\\d+)?";
    private static final Pattern NUMBER_PATTERN = Pattern.compile(NUMBER);
    private static final Pattern STRICT_PATTERN = Pattern.compile(ANSWER_MARKER + "[ \\t]*(" + NUMBER + ")");
    private static final Pattern WHOLE_NUMBER = Pattern.compile("\\s*(" + NUMBER + ")\\.?\\s*");

    private AnswerExtraction() {
    }

    /**
     * Extracts the answer by strict matching: the number right after the first {@code ####} that a
     * number follows (spaces and tabs between them allowed). A model that goes on to invent a next
     * question writes its answer to the asked question first, so the first marker is used.
     *
     * @param text model output or a reference solution
     * @return the normalized number, or empty when no marker is followed by a number
     */
    public static Optional<String> strict(String text) {
        Objects.requireNonNull(text, "text");
        Matcher matcher = STRICT_PATTERN.matcher(text);
        return matcher.find() ? normalize(matcher.group(1)) : Optional.empty();
    }

    /**
     * Extracts the answer by flexible matching: the last number anywhere in the text.
     *
     * @param text model output
     * @return the normalized number, or empty when the text contains none
     */
    public static Optional<String> flexible(String text) {
        Objects.requireNonNull(text, "text");
        Matcher matcher = NUMBER_PATTERN.matcher(text);
        String last = null;
        while (matcher.find()) {
            last = matcher.group();
        }
        return last == null ? Optional.empty() : normalize(last);
    }

    /**
     * Normalizes a number as written in text.
     *
     * @param number for example {@code $1,000.}, {@code 5.0} or {@code -3}; surrounding whitespace and
     *     one trailing dot are ignored
     * @return the normalized number, or empty when the text is not one number
     */
    public static Optional<String> normalize(String number) {
        Objects.requireNonNull(number, "number");
        Matcher matcher = WHOLE_NUMBER.matcher(number);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        String digits = matcher.group(1).replace("$", "").replace(",", "");
        BigDecimal value = new BigDecimal(digits).stripTrailingZeros();
        // BigDecimal keeps no negative zero, and toPlainString writes 100 rather than 1E+2.
        return Optional.of(value.signum() == 0 ? "0" : value.toPlainString());
    }

    /**
     * Extracts the final answer of a reference solution.
     *
     * @param item the item whose reference to read
     * @return the normalized number after {@code ####}
     * @throws IllegalArgumentException if the item has no reference or its reference has no
     *     {@code #### N}, naming the item and row
     */
    public static String referenceAnswer(EvalItem item) {
        Objects.requireNonNull(item, "item");
        String reference = item.reference().orElseThrow(() -> new IllegalArgumentException("Item " + item.id()
                + " (row " + item.row() + ") has no reference answer; read the set with a reference field, such as"
                + " 'answer' for GSM8K."));
        return strict(reference).orElseThrow(() -> new IllegalArgumentException("The reference answer of item "
                + item.id() + " (row " + item.row() + ") has no final answer after '" + ANSWER_MARKER + " ': '"
                + abbreviate(reference) + "'; check that the reference field contains GSM8K-style solutions."));
    }

    /**
     * Tests whether an extracted answer equals the reference answer as numbers.
     *
     * @param extracted the normalized extracted answer, or empty when extraction failed
     * @param reference the normalized reference answer
     * @return false for an empty answer, else whether the numbers are equal
     * @throws NumberFormatException if a value is not a number as {@link #normalize(String)} returns them
     */
    public static boolean matches(Optional<String> extracted, String reference) {
        Objects.requireNonNull(reference, "reference");
        return extracted.isPresent() && new BigDecimal(extracted.get()).compareTo(new BigDecimal(reference)) == 0;
    }

    private static String abbreviate(String text) {
        int maxChars = 80;
        String oneLine = text.replace('\n', ' ');
        return oneLine.length() <= maxChars ? oneLine : "..." + oneLine.substring(oneLine.length() - maxChars);
    }
}
