package io.github.safetyspaces.core.data;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.stream.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns an instruction and its optional input into the prompt text that precedes the response.
 *
 * <p>A template text contains the placeholders {@code {instruction}} and optionally {@code {input}}.
 * A placeholder is a name of letters, digits and underscores in braces, and any other name in braces
 * is rejected, because it is most likely a misspelled placeholder. Other braces, such as {@code {}} or
 * <code>{"a": 1}</code>, are literal text. There is no escape for a literal <code>{instruction}</code>.
 * Rendering replaces each placeholder once, in a single pass over the template, so braces inside an
 * instruction or input are copied as they are and never read as placeholders.
 *
 * <p>The template has one text for examples with an input and one for examples without. A text
 * without {@code {input}} cannot render an example that has an input, because the input would be
 * lost, so {@link #render} rejects that case.
 *
 * @param withInput the text for examples with a non-empty input
 * @param withoutInput the text for examples with an empty input. An {@code {input}} placeholder in it
 *     renders as an empty string.
 */
public record PromptTemplate(String withInput, String withoutInput) {

    // Declared before DEFAULT and NONE, whose construction uses them.
    private static final String INSTRUCTION = "instruction";
    private static final String INPUT = "input";
    private static final Set<String> PLACEHOLDERS = Set.of(INSTRUCTION, INPUT);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private static final String WITH_INPUT_KEY = "with_input";
    private static final String WITHOUT_INPUT_KEY = "without_input";

    /** File name under which checkpoints store the template of their fine-tuning run. */
    public static final String FILE_NAME = "prompt_template.json";

    /** Setting that selects {@link #NONE}. */
    public static final String NONE_SETTING = "none";

    /** Setting that selects {@link #DEFAULT}. */
    public static final String DEFAULT_SETTING = "default";

    /**
     * The default template, Alpaca's layout without its preamble sentence, because small models have
     * short contexts and small vocabularies.
     */
    public static final PromptTemplate DEFAULT = new PromptTemplate(
            "### Instruction:\n{instruction}\n\n### Input:\n{input}\n\n### Response:\n",
            "### Instruction:\n{instruction}\n\n### Response:\n");

    /**
     * No template: the prompt is the instruction alone. An example with an input gets the input after a
     * blank line, so that the input is not lost.
     */
    public static final PromptTemplate NONE = new PromptTemplate("{instruction}\n\n{input}", "{instruction}");

    /** Checks that both texts contain {@code {instruction}} and no unknown placeholder. */
    public PromptTemplate {
        checkText(withInput, WITH_INPUT_KEY);
        checkText(withoutInput, WITHOUT_INPUT_KEY);
    }

    /**
     * Creates a template that uses one text for examples with and without an input.
     *
     * @param text the template text, containing {@code {instruction}} and usually {@code {input}}
     * @return the template
     * @throws IllegalArgumentException if the text lacks {@code {instruction}} or has an unknown placeholder
     */
    public static PromptTemplate of(String text) {
        return new PromptTemplate(text, text);
    }

    /**
     * Parses the user-facing template setting: {@code none} for {@link #NONE}, {@code default} for
     * {@link #DEFAULT} (both in any case, spaces around ignored), and any other text as the text of
     * {@link #of(String)}.
     *
     * @param setting the setting
     * @return the template
     * @throws IllegalArgumentException if a template text lacks {@code {instruction}} or has an unknown
     *     placeholder
     */
    public static PromptTemplate parse(String setting) {
        Objects.requireNonNull(setting, "setting");
        String keyword = setting.trim().toLowerCase(Locale.ROOT);
        if (keyword.equals(NONE_SETTING)) {
            return NONE;
        }
        if (keyword.equals(DEFAULT_SETTING)) {
            return DEFAULT;
        }
        return of(setting);
    }

    /**
     * Renders the prompt of an example.
     *
     * @param example the example
     * @return the prompt text, to which the response is appended
     * @throws IllegalArgumentException if the example has an input but the template text for inputs has
     *     no {@code {input}} placeholder (the message names the example's file and row)
     */
    public String render(InstructionExample example) {
        Objects.requireNonNull(example, "example");
        if (example.hasInput() && !hasInputPlaceholder(withInput)) {
            throw new IllegalArgumentException("The example at " + example.origin() + " has an input, but the prompt"
                    + " template has no {input} placeholder, so the input would be lost; add {input} to the template"
                    + " or read the data without its input field.");
        }
        return render(example.instruction(), example.input());
    }

    /**
     * Renders a prompt from an instruction and an input, dropping the input if the chosen text has no
     * {@code {input}} placeholder.
     *
     * @param instruction the instruction
     * @param input the input, or an empty string for none
     * @return the prompt text
     */
    public String render(String instruction, String input) {
        Objects.requireNonNull(instruction, "instruction");
        Objects.requireNonNull(input, "input");
        String text = input.isEmpty() ? withoutInput : withInput;
        StringBuilder prompt = new StringBuilder(text.length() + instruction.length() + input.length());
        Matcher matcher = PLACEHOLDER.matcher(text);
        int copied = 0;
        while (matcher.find()) {
            prompt.append(text, copied, matcher.start());
            prompt.append(matcher.group(1).equals(INSTRUCTION) ? instruction : input);
            copied = matcher.end();
        }
        prompt.append(text, copied, text.length());
        return prompt.toString();
    }

    /**
     * Serializes the template as a JSON object with the keys {@code with_input} and
     * {@code without_input}, for {@value #FILE_NAME} in checkpoints.
     *
     * @return the JSON text
     */
    public String toJson() {
        JsonObject json = new JsonObject();
        json.addProperty(WITH_INPUT_KEY, withInput);
        json.addProperty(WITHOUT_INPUT_KEY, withoutInput);
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(json);
    }

    /**
     * Parses a template written by {@link #toJson()}.
     *
     * @param json the JSON text
     * @return the template
     * @throws IllegalArgumentException if the text is not a JSON object with exactly the string keys
     *     {@code with_input} and {@code without_input}, or a template text is invalid
     */
    public static PromptTemplate fromJson(String json) {
        Objects.requireNonNull(json, "json");
        JsonReader reader = DataRows.strictReader(new StringReader(json));
        JsonElement root;
        try {
            root = DataRows.ELEMENT_ADAPTER.read(reader);
            if (!DataRows.isAtEnd(reader)) {
                throw new IllegalArgumentException("Invalid prompt template JSON: text follows the end of the object.");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("Invalid prompt template JSON: " + DataRows.describeJsonError(e) + ".",
                    e);
        }
        if (!root.isJsonObject()) {
            throw new IllegalArgumentException("Invalid prompt template JSON: expected an object with the keys "
                    + WITH_INPUT_KEY + " and " + WITHOUT_INPUT_KEY + ", got " + DataRows.describe(root) + ".");
        }
        JsonObject object = root.getAsJsonObject();
        Set<String> unknown = new TreeSet<>(object.keySet());
        unknown.removeAll(Set.of(WITH_INPUT_KEY, WITHOUT_INPUT_KEY));
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("Invalid prompt template JSON: unknown keys " + unknown + "; the keys"
                    + " are " + WITH_INPUT_KEY + " and " + WITHOUT_INPUT_KEY + ".");
        }
        return new PromptTemplate(stringValue(object, WITH_INPUT_KEY), stringValue(object, WITHOUT_INPUT_KEY));
    }

    private static String stringValue(JsonObject object, String key) {
        JsonElement value = object.get(key);
        if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
            throw new IllegalArgumentException("Invalid prompt template JSON: the key " + key + " must contain a"
                    + " string, got " + (value == null ? "nothing" : DataRows.describe(value)) + ".");
        }
        return value.getAsString();
    }

    private static boolean hasInputPlaceholder(String text) {
        Matcher matcher = PLACEHOLDER.matcher(text);
        while (matcher.find()) {
            if (matcher.group(1).equals(INPUT)) {
                return true;
            }
        }
        return false;
    }

    private static void checkText(String text, String key) {
        Objects.requireNonNull(text, key);
        String description = "The prompt template \"" + text + "\"";
        boolean hasInstruction = false;
        Matcher matcher = PLACEHOLDER.matcher(text);
        while (matcher.find()) {
            String name = matcher.group(1);
            if (!PLACEHOLDERS.contains(name)) {
                throw new IllegalArgumentException(description + " contains the unknown placeholder {" + name
                        + "}; the placeholders are {instruction} and {input}.");
            }
            hasInstruction |= name.equals(INSTRUCTION);
        }
        if (!hasInstruction) {
            throw new IllegalArgumentException(description + " has no {instruction} placeholder; put {instruction}"
                    + " where the instruction goes, or use none or default.");
        }
    }
}
