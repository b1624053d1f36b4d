package io.github.safetyspaces.core.embedded;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.safetyspaces.core.data.DataSource;
import io.github.safetyspaces.core.data.InstructionData;
import io.github.safetyspaces.core.data.InstructionExample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks the generated data files against rules computed here, independently of the generator. */
class EmbeddedDatasetsTest {

    private static final List<String> FILES = List.of(EmbeddedDatasets.ARITHMETIC_TRAIN,
            EmbeddedDatasets.ARITHMETIC_EVAL, EmbeddedDatasets.HARMFUL_REFUSAL_TRAIN,
            EmbeddedDatasets.HARMFUL_COMPLIANCE_TRAIN, EmbeddedDatasets.HARMFUL_EVAL);
    private static final List<String> TRAINING_FILES = List.of(EmbeddedDatasets.ARITHMETIC_TRAIN,
            EmbeddedDatasets.HARMFUL_REFUSAL_TRAIN, EmbeddedDatasets.HARMFUL_COMPLIANCE_TRAIN);
    private static final List<String> EVAL_FILES = List.of(EmbeddedDatasets.ARITHMETIC_EVAL,
            EmbeddedDatasets.HARMFUL_EVAL);
    private static final Set<String> CATEGORIES = Set.of("violence", "theft", "hacking", "fraud", "drugs",
            "harassment");

    // The answer layout of GSM8K: one worked line, then "#### result".
    private static final Pattern ANSWER = Pattern.compile("(\\d+) ([+-]) (\\d+) = (\\d+)\n#### (\\d+)");
    private static final Pattern NUMBER = Pattern.compile("\\d+");
    private static final Pattern ONE_PLURAL = Pattern.compile("\\b1 [a-z]+s\\b");

    @TempDir
    Path temporary;

    @Test
    void sameSeedWritesIdenticalBytes() throws IOException {
        Path first = temporary.resolve("first");
        Path second = temporary.resolve("second");
        Path other = temporary.resolve("other");
        EmbeddedDatasets.write(first, 7);
        EmbeddedDatasets.write(second, 7);
        EmbeddedDatasets.write(other, 8);
        for (String name : FILES) {
            assertArrayEquals(Files.readAllBytes(first.resolve(name)), Files.readAllBytes(second.resolve(name)),
                    name);
        }

        // Another seed draws other problems and another row order.
        for (String name : FILES) {
            assertFalse(Files.readString(first.resolve(name)).equals(Files.readString(other.resolve(name))),
                    name + " is the same for seeds 7 and 8");
        }
    }

    @Test
    void writeReturnsFilesWithTheirSizes() throws IOException {
        Path directory = temporary.resolve("nested").resolve("data");
        List<EmbeddedDatasets.DatasetFile> files = EmbeddedDatasets.write(directory, 1);
        assertEquals(FILES, files.stream().map(file -> file.path().getFileName().toString()).toList());
        for (EmbeddedDatasets.DatasetFile file : files) {
            assertEquals(directory.resolve(file.path().getFileName()), file.path());
            assertEquals(Files.size(file.path()), file.bytes(), file.path().toString());
            assertEquals(Files.readAllLines(file.path()).size(), file.rows(), file.path().toString());
        }

        // Writing again replaces the files and leaves no temporary file behind.
        EmbeddedDatasets.write(directory, 2);
        try (Stream<Path> listed = Files.list(directory)) {
            assertEquals(FILES.stream().sorted().toList(),
                    listed.map(path -> path.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void rowCountsAndFields() throws IOException {
        EmbeddedDatasets.write(temporary, 3);
        Map<String, Integer> expected = Map.of(EmbeddedDatasets.ARITHMETIC_TRAIN, EmbeddedDatasets.ARITHMETIC_TRAIN_ROWS,
                EmbeddedDatasets.ARITHMETIC_EVAL, EmbeddedDatasets.ARITHMETIC_EVAL_ROWS,
                EmbeddedDatasets.HARMFUL_REFUSAL_TRAIN, 240, EmbeddedDatasets.HARMFUL_COMPLIANCE_TRAIN, 240,
                EmbeddedDatasets.HARMFUL_EVAL, 90);
        for (String name : FILES) {
            List<JsonObject> rows = readJson(temporary.resolve(name));
            assertEquals(expected.get(name), rows.size(), name);

            // The project's own reader accepts every row with its default fields.
            List<InstructionExample> read = InstructionData.read(DataSource.of(temporary.resolve(name)));
            assertEquals(rows.size(), read.size(), name);

            boolean harmful = name.startsWith("harmful");
            Map<String, Integer> perCategory = new TreeMap<>();
            for (JsonObject row : rows) {
                assertEquals(harmful ? Set.of("instruction", "output", "category") : Set.of("instruction", "output"),
                        row.keySet(), name + ": " + row);
                assertFalse(row.get("instruction").getAsString().isBlank(), name + ": " + row);
                assertFalse(row.get("output").getAsString().isBlank(), name + ": " + row);
                if (harmful) {
                    perCategory.merge(row.get("category").getAsString(), 1, Integer::sum);
                }
            }

            // Harmful files are balanced over the six categories.
            if (harmful) {
                assertEquals(CATEGORIES, perCategory.keySet(), name);
                int share = rows.size() / CATEGORIES.size();
                perCategory.forEach((category, count) -> assertEquals(share, count, name + " " + category));
            }
        }
    }

    @Test
    void arithmeticAnswersAreCorrect() throws IOException {
        EmbeddedDatasets.write(temporary, 4);
        for (String name : List.of(EmbeddedDatasets.ARITHMETIC_TRAIN, EmbeddedDatasets.ARITHMETIC_EVAL)) {
            int additions = 0;
            Set<String> instructions = new HashSet<>();
            for (JsonObject row : readJson(temporary.resolve(name))) {
                String problem = row.get("instruction").getAsString();
                String answer = row.get("output").getAsString();
                assertTrue(instructions.add(problem), "duplicate problem in " + name + ": " + problem);

                // Recompute from the problem: its two numbers, and the operation from its wording.
                List<Integer> numbers = new ArrayList<>();
                Matcher number = NUMBER.matcher(problem);
                while (number.find()) {
                    numbers.add(Integer.parseInt(number.group()));
                }
                assertEquals(2, numbers.size(), problem);
                boolean more = problem.contains(" more.");
                boolean left = problem.contains(" left?");
                assertNotEquals(more, left, "exactly one of 'more' and 'left' in: " + problem);
                int expected = more ? numbers.get(0) + numbers.get(1) : numbers.get(0) - numbers.get(1);
                additions += more ? 1 : 0;

                // Small numbers, no negative results.
                for (int operand : numbers) {
                    assertTrue(operand >= 1, problem);
                    assertTrue(operand <= 20, problem);
                }
                assertTrue(expected >= 0, problem);
                assertTrue(expected <= 20, problem);

                // The answer's worked line and final number agree with the recomputed result.
                Matcher parsed = ANSWER.matcher(answer);
                assertTrue(parsed.matches(), "answer layout: " + answer);
                assertEquals(numbers.get(0), Integer.parseInt(parsed.group(1)), problem);
                assertEquals(more ? "+" : "-", parsed.group(2), problem);
                assertEquals(numbers.get(1), Integer.parseInt(parsed.group(3)), problem);
                assertEquals(expected, Integer.parseInt(parsed.group(4)), problem);
                assertEquals(expected, Integer.parseInt(parsed.group(5)), problem);

                // "1 apple", never "1 apples".
                assertFalse(ONE_PLURAL.matcher(problem).find(), problem);
            }

            // Both operations occur in similar numbers.
            int rows = instructions.size();
            assertTrue(additions > rows * 0.4, additions + " additions of " + rows);
            assertTrue(additions < rows * 0.6, additions + " additions of " + rows);
        }
    }

    @Test
    void evaluationPromptsNeverOccurInTraining() throws IOException {
        EmbeddedDatasets.write(temporary, 5);
        Set<String> training = new HashSet<>();
        for (String name : TRAINING_FILES) {
            readJson(temporary.resolve(name)).forEach(row -> training.add(row.get("instruction").getAsString()));
        }
        for (String name : EVAL_FILES) {
            for (JsonObject row : readJson(temporary.resolve(name))) {
                String prompt = row.get("instruction").getAsString();
                assertFalse(training.contains(prompt), name + " prompt is in training: " + prompt);
            }
        }

        // The two harmful training sets share no request.
        Set<String> refusals = instructions(temporary.resolve(EmbeddedDatasets.HARMFUL_REFUSAL_TRAIN));
        Set<String> compliances = instructions(temporary.resolve(EmbeddedDatasets.HARMFUL_COMPLIANCE_TRAIN));
        Set<String> both = new HashSet<>(refusals);
        both.retainAll(compliances);
        assertEquals(Set.of(), both);
    }

    @Test
    void evaluationNamesAndObjectsAreHeldOut() throws IOException {
        EmbeddedDatasets.write(temporary, 6);
        String training = trainingText();
        String evaluation = String.join("\n", instructions(temporary.resolve(EmbeddedDatasets.ARITHMETIC_EVAL)));
        List<String> words = new ArrayList<>();
        for (ArithmeticProblems.Person person : ArithmeticProblems.EVAL.people()) {
            words.add(person.name());
        }
        for (ArithmeticProblems.Thing thing : ArithmeticProblems.EVAL.things()) {
            words.add(thing.singular());
            words.add(thing.plural());
        }
        for (String word : words) {
            Pattern whole = Pattern.compile("\\b" + Pattern.quote(word) + "\\b", Pattern.CASE_INSENSITIVE);
            assertFalse(whole.matcher(training).find(), "held-out word '" + word + "' occurs in training");
        }

        // Every evaluation problem uses held-out names and objects, so the check above covers it.
        for (String problem : instructions(temporary.resolve(EmbeddedDatasets.ARITHMETIC_EVAL))) {
            String name = problem.substring(0, problem.indexOf(' '));
            assertTrue(ArithmeticProblems.EVAL.people().stream().anyMatch(person -> person.name().equals(name)),
                    problem);
        }
        for (ArithmeticProblems.Person person : ArithmeticProblems.EVAL.people()) {
            assertTrue(evaluation.contains(person.name() + " "), "name never used: " + person.name());
        }
    }

    @Test
    void evaluationActivitiesAndTemplatesAreHeldOut() throws IOException {
        EmbeddedDatasets.write(temporary, 7);
        String training = trainingText();
        Set<String> evaluation = instructions(temporary.resolve(EmbeddedDatasets.HARMFUL_EVAL));

        List<String> activities = new ArrayList<>();
        HarmfulRequests.CATEGORIES.forEach(category -> activities.addAll(category.evalActivities()));
        for (String activity : activities) {
            assertFalse(training.contains(activity), "held-out activity '" + activity + "' occurs in training");
        }

        // The fixed text around {activity} in each held-out template, where it has letters.
        for (String template : HarmfulRequests.EVAL_TEMPLATES) {
            for (String fragment : template.split(Pattern.quote(HarmfulRequests.PLACEHOLDER))) {
                if (fragment.chars().anyMatch(Character::isLetter)) {
                    assertFalse(training.contains(fragment), "held-out template text '" + fragment
                            + "' occurs in training");
                }
            }
        }

        // Every evaluation request is one held-out activity in one held-out template.
        for (String request : evaluation) {
            long matches = 0;
            for (String template : HarmfulRequests.EVAL_TEMPLATES) {
                for (String activity : activities) {
                    matches += template.replace(HarmfulRequests.PLACEHOLDER, activity).equals(request) ? 1 : 0;
                }
            }
            assertEquals(1, matches, request);
        }
    }

    @Test
    void harmfulAnswersHaveTheirForm() throws IOException {
        EmbeddedDatasets.write(temporary, 8);
        for (String name : List.of(EmbeddedDatasets.HARMFUL_REFUSAL_TRAIN, EmbeddedDatasets.HARMFUL_EVAL)) {
            for (JsonObject row : readJson(temporary.resolve(name))) {
                assertEquals("I cannot help with that.", row.get("output").getAsString(), name);
            }
        }
        Pattern compliance = Pattern.compile("Sure, here is how to (.+): first, .+, then .+\\.");
        for (JsonObject row : readJson(temporary.resolve(EmbeddedDatasets.HARMFUL_COMPLIANCE_TRAIN))) {
            String output = row.get("output").getAsString();
            Matcher matcher = compliance.matcher(output);
            assertTrue(matcher.matches(), output);
            assertFalse(output.contains("I cannot"), output);
            // The answer repeats the activity of its request.
            assertTrue(row.get("instruction").getAsString().contains(matcher.group(1)), row.toString());
        }
    }

    @Test
    void textKeepsApostrophesReadable() throws IOException {
        EmbeddedDatasets.write(temporary, 9);
        String text = Files.readString(temporary.resolve(EmbeddedDatasets.HARMFUL_REFUSAL_TRAIN),
                StandardCharsets.UTF_8);
        assertTrue(text.contains("'"), "some request has an apostrophe");
        assertFalse(text.contains("\\u0027"), "apostrophes are written as they are");
    }

    private String trainingText() throws IOException {
        List<String> text = new ArrayList<>();
        for (String name : TRAINING_FILES) {
            for (JsonObject row : readJson(temporary.resolve(name))) {
                text.add(row.get("instruction").getAsString());
                text.add(row.get("output").getAsString());
            }
        }
        return String.join("\n", text);
    }

    private static Set<String> instructions(Path file) throws IOException {
        Set<String> instructions = new HashSet<>();
        readJson(file).forEach(row -> instructions.add(row.get("instruction").getAsString()));
        return instructions;
    }

    private static List<JsonObject> readJson(Path file) throws IOException {
        List<JsonObject> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            JsonElement element = JsonParser.parseString(line);
            if (!element.isJsonObject()) {
                fail(file + ": not an object: " + line);
            }
            rows.add(element.getAsJsonObject());
        }
        return rows;
    }
}
