package io.github.safetyspaces.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptTemplateTest {

    private static final Path SOURCE = Path.of("data.jsonl");

    @Test
    void defaultWithoutInput() {
        String prompt = PromptTemplate.DEFAULT.render(example("Name a color.", ""));

        assertEquals("### Instruction:\nName a color.\n\n### Response:\n", prompt);
    }

    @Test
    void defaultWithInput() {
        String prompt = PromptTemplate.DEFAULT.render(example("Translate to English.", "Bonjour"));

        assertEquals("### Instruction:\nTranslate to English.\n\n### Input:\nBonjour\n\n### Response:\n", prompt);
    }

    @Test
    void noneIsInstructionAlone() {
        assertEquals("Name a color.", PromptTemplate.NONE.render(example("Name a color.", "")));
        // The input is kept after a blank line rather than dropped.
        assertEquals("Translate.\n\nBonjour", PromptTemplate.NONE.render(example("Translate.", "Bonjour")));
    }

    @Test
    void customTemplateReplacesEmptyInput() {
        PromptTemplate template = PromptTemplate.parse("Q: {instruction}\nContext: {input}\nA: ");

        assertEquals("Q: Why?\nContext: \nA: ", template.render(example("Why?", "")));
        assertEquals("Q: Why?\nContext: sky\nA: ", template.render(example("Why?", "sky")));
    }

    @Test
    void customTemplateWithoutInputRejectsInput() {
        PromptTemplate template = PromptTemplate.parse("Q: {instruction}\nA: ");

        assertEquals("Q: Why?\nA: ", template.render(example("Why?", "")));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> template.render(example("Why?", "sky")));
        assertTrue(error.getMessage().contains("row 4 of data.jsonl"), error.getMessage());
        assertTrue(error.getMessage().contains("no {input} placeholder"), error.getMessage());
    }

    @Test
    void parsesKeywords() {
        assertSame(PromptTemplate.NONE, PromptTemplate.parse("none"));
        assertSame(PromptTemplate.NONE, PromptTemplate.parse(" NONE "));
        assertSame(PromptTemplate.DEFAULT, PromptTemplate.parse("default"));
        assertSame(PromptTemplate.DEFAULT, PromptTemplate.parse("Default"));
        assertEquals(PromptTemplate.of("{instruction}!"), PromptTemplate.parse("{instruction}!"));
    }

    @Test
    void literalBracesInInstructionKept() {
        String instruction = "Print {input}, {instruction}, {foo}, {} and $1 \\n literally.";
        String input = "{instruction} in the input";

        String prompt = PromptTemplate.DEFAULT.render(example(instruction, input));

        assertEquals("### Instruction:\n" + instruction + "\n\n### Input:\n" + input + "\n\n### Response:\n", prompt);
    }

    @Test
    void literalBracesInTemplateKept() {
        PromptTemplate template = PromptTemplate.of("{\"task\": \"{instruction}\"} {} { input } {input}");

        assertEquals("{\"task\": \"go\"} {} { input } x", template.render(example("go", "x")));
    }

    @Test
    void unknownPlaceholderRejected() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> PromptTemplate.parse("{instruction} {foo}"));

        assertTrue(error.getMessage().contains("unknown placeholder {foo}"), error.getMessage());
        assertTrue(error.getMessage().contains("{instruction} and {input}"), error.getMessage());
        // Placeholders are case-sensitive, so {Input} is unknown too.
        assertThrows(IllegalArgumentException.class, () -> PromptTemplate.parse("{instruction} {Input}"));
    }

    @Test
    void templateWithoutInstructionRejected() {
        for (String text : List.of("Answer: ", "{input}", "{Instruction}", "")) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> PromptTemplate.parse(text), text);
            assertTrue(error.getMessage().contains("{instruction}"), error.getMessage());
        }
    }

    @Test
    void jsonRoundTrip() {
        List<PromptTemplate> templates = List.of(
                PromptTemplate.DEFAULT,
                PromptTemplate.NONE,
                PromptTemplate.of("<s>[INST] {instruction} \"{input}\" [/INST] é 😀\t"),
                new PromptTemplate("A {instruction} {input}", "B {instruction}"));

        for (PromptTemplate template : templates) {
            assertEquals(template, PromptTemplate.fromJson(template.toJson()), template.toJson());
        }
    }

    @Test
    void jsonHasNamedKeys() {
        JsonObject json = JsonParser.parseString(PromptTemplate.DEFAULT.toJson()).getAsJsonObject();

        assertEquals(PromptTemplate.DEFAULT.withInput(), json.get("with_input").getAsString());
        assertEquals(PromptTemplate.DEFAULT.withoutInput(), json.get("without_input").getAsString());
        assertEquals(2, json.size());
        // HTML escaping would write < as \u003c, which is valid but unreadable in a checkpoint.
        assertTrue(PromptTemplate.of("<{instruction}>").toJson().contains("<{instruction}>"));
    }

    @Test
    void invalidJsonRejected() {
        assertJsonError("{\"with_input\": \"{instruction}\"}", "without_input must contain a string");
        assertJsonError("{\"with_input\": \"{instruction}\", \"without_input\": 3}",
                "without_input must contain a string");
        assertJsonError("{\"with_input\": \"{instruction}\", \"without_input\": \"{instruction}\", \"x\": \"\"}",
                "unknown keys [x]");
        assertJsonError("[\"{instruction}\"]", "expected an object");
        assertJsonError("{\"with_input\": ", "Invalid prompt template JSON");
        assertJsonError("{\"with_input\": \"{instruction}\", \"without_input\": \"{instruction}\"} {}",
                "text follows");
        assertJsonError("{\"with_input\": \"{instruction}\", \"without_input\": \"none\"}", "no {instruction}");
    }

    private static void assertJsonError(String json, String expected) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> PromptTemplate.fromJson(json), json);
        assertTrue(error.getMessage().contains(expected), error.getMessage());
    }

    private static InstructionExample example(String instruction, String input) {
        return new InstructionExample(instruction, input, "response", SOURCE, 4);
    }
}
