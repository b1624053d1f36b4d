package io.github.safetyspaces.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AnswerExtractionTest {

    @Test
    void normalizeHandlesCommasDollarsDotsAndSigns() {
        String[][] cases = {
            {"1,000", "1000"},
            {"1000", "1000"},
            {"5.0", "5"},
            {"5.50", "5.5"},
            {"$18", "18"},
            {"$1,234.50", "1234.5"},
            {"18.", "18"},
            {"-7", "-7"},
            {"-0", "0"},
            {"0.000", "0"},
            {"100", "100"},
            {" 42 ", "42"},
            {"007", "7"},
        };
        for (String[] c : cases) {
            assertEquals(Optional.of(c[1]), AnswerExtraction.normalize(c[0]), c[0]);
        }
    }

    @Test
    void normalizeRejectsNonNumbers() {
        for (String text : new String[] {"", "abc", "1,00", "1 000", "12a", "--3", "1.2.3", "$"}) {
            assertEquals(Optional.empty(), AnswerExtraction.normalize(text), text);
        }
    }

    @Test
    void strictReadsNumberAfterMarker() {
        assertEquals(Optional.of("18"), AnswerExtraction.strict("She makes 9 * 2 = $18.\n#### 18"));
        assertEquals(Optional.of("1000"), AnswerExtraction.strict("so\n#### $1,000."));
        assertEquals(Optional.of("-3"), AnswerExtraction.strict("####-3"));
        assertEquals(Optional.of("2.5"), AnswerExtraction.strict("#### 2.50 hours"));
    }

    @Test
    void strictTakesFirstMarkerWithNumber() {
        // The model answers, then invents a next question with an answer of its own.
        assertEquals(Optional.of("7"), AnswerExtraction.strict("#### 7\n\nQuestion: more?\nAnswer: #### 9"));
        // A marker without a number is skipped.
        assertEquals(Optional.of("4"), AnswerExtraction.strict("#### unknown\n#### 4"));
    }

    @Test
    void strictNeedsMarker() {
        assertEquals(Optional.empty(), AnswerExtraction.strict("The answer is 18."));
        assertEquals(Optional.empty(), AnswerExtraction.strict("### 18"));
        assertEquals(Optional.empty(), AnswerExtraction.strict("####\n18"));
        assertEquals(Optional.empty(), AnswerExtraction.strict(""));
    }

    @Test
    void flexibleReadsLastNumber() {
        Map<String, String> cases = Map.ofEntries(
                Map.entry("She has 3 apples and buys 4, so 7 in total.", "7"),
                Map.entry("It costs $1,250.", "1250"),
                Map.entry("The answer is 5.0", "5"),
                Map.entry("Temperature drops to -4 degrees", "-4"),
                Map.entry("pages 10-15", "15"),
                Map.entry("a list 1,2,3", "3"),
                Map.entry("#### 18\n", "18"),
                Map.entry("He walks 2.5 km. Done.", "2.5"),
                Map.entry("version 3.5.2", "3.5"),
                Map.entry("US$40 each", "40"));
        for (Map.Entry<String, String> c : cases.entrySet()) {
            assertEquals(Optional.of(c.getValue()), AnswerExtraction.flexible(c.getKey()), c.getKey());
        }
    }

    @Test
    void flexibleFindsNothingWithoutDigits() {
        assertEquals(Optional.empty(), AnswerExtraction.flexible("Once upon a time, there was a girl."));
        assertEquals(Optional.empty(), AnswerExtraction.flexible("x2 and h2o"));
    }

    @Test
    void matchComparesNumbers() {
        assertTrue(AnswerExtraction.matches(Optional.of("5"), "5"));
        assertTrue(AnswerExtraction.matches(AnswerExtraction.normalize("$1,000.00"), "1000"));
        assertFalse(AnswerExtraction.matches(Optional.of("50"), "5"));
        assertFalse(AnswerExtraction.matches(Optional.empty(), "5"));
    }

    @Test
    void referenceAnswerNeedsMarker() {
        EvalItem good = new EvalItem("1", 1, "q", Optional.of("2 + 2 = 4\n#### 4"), Map.of());
        assertEquals("4", AnswerExtraction.referenceAnswer(good));

        EvalItem noMarker = new EvalItem("2", 2, "q", Optional.of("It is 4."), Map.of());
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> AnswerExtraction.referenceAnswer(noMarker));
        assertTrue(error.getMessage().contains("row 2"), error.getMessage());
        assertTrue(error.getMessage().contains("####"), error.getMessage());

        EvalItem noReference = new EvalItem("3", 3, "q", Optional.empty(), Map.of());
        error = assertThrows(IllegalArgumentException.class, () -> AnswerExtraction.referenceAnswer(noReference));
        assertTrue(error.getMessage().contains("reference field"), error.getMessage());
    }
}
