package io.github.safetyspaces.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.safetyspaces.core.SharedData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstructionDataTest {

    @TempDir
    Path tempDir;

    // Formats.

    @Test
    void readsJsonLinesWithBlankLines() throws IOException {
        Path file = write("data.jsonl", """
                {"instruction": "Add 2 and 3.", "input": "", "output": "5"}

                {"instruction": "Translate.", "input": "Bonjour", "output": "Hello"}
                """);

        List<InstructionExample> examples = InstructionData.read(DataSource.of(file));

        assertEquals(2, examples.size());
        assertEquals(new InstructionExample("Add 2 and 3.", "", "5", file, 1), examples.get(0));
        // Row numbers of JSON Lines are line numbers, so the blank line 2 is counted.
        assertEquals(new InstructionExample("Translate.", "Bonjour", "Hello", file, 3), examples.get(1));
    }

    @Test
    void readsJsonArrayWithNullAndMissingInput() throws IOException {
        Path file = write("data.json", """
                [
                  {"instruction": "First", "input": null, "output": "one"},
                  {"instruction": "Second", "output": "two"},
                  {"instruction": "Third", "input": "context", "output": "three"}
                ]
                """);

        List<InstructionExample> examples = InstructionData.read(DataSource.of(file));

        assertEquals(List.of(
                new InstructionExample("First", "", "one", file, 1),
                new InstructionExample("Second", "", "two", file, 2),
                new InstructionExample("Third", "context", "three", file, 3)), examples);
    }

    @Test
    void readsCsvWithQuotedCommasQuotesAndNewlines() throws IOException {
        Path file = write("data.csv", "instruction,input,output\r\n"
                + "\"Say \"\"hi\"\", then list a, b, c\nand stop.\",,\"Hi! a, b, c\"\n"
                + "Écris en français,\"日本語, café 😀\",Très bien\n");

        List<InstructionExample> examples = InstructionData.read(DataSource.of(file));

        assertEquals(2, examples.size());
        assertEquals(new InstructionExample("Say \"hi\", then list a, b, c\nand stop.", "", "Hi! a, b, c", file, 1),
                examples.get(0));
        // The first record spans two lines, and the row number still counts records.
        assertEquals(new InstructionExample("Écris en français", "日本語, café 😀", "Très bien", file, 2),
                examples.get(1));
    }

    @Test
    void skipsByteOrderMark() throws IOException {
        Path file = tempDir.resolve("bom.csv");
        Files.write(file, ("\uFEFFinstruction,output\nq,a\n").getBytes(StandardCharsets.UTF_8));

        List<InstructionExample> examples = InstructionData.read(DataSource.of(file));

        assertEquals(List.of(new InstructionExample("q", "", "a", file, 1)), examples);
    }

    @Test
    void explicitFormatOverridesExtension() throws IOException {
        Path file = write("data.txt", "{\"instruction\": \"q\", \"output\": \"a\"}\n");

        DataSource source = DataSource.builder().setPath(file).optFormat(DataFormat.JSONL).build();

        assertEquals(1, InstructionData.read(source).size());
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> DataSource.of(file));
        assertTrue(error.getMessage().contains("data.txt"), error.getMessage());
        assertTrue(error.getMessage().contains("jsonl, json or csv"), error.getMessage());
    }

    @Test
    void formatParsesNamesAndExtensions() {
        assertEquals(DataFormat.JSONL, DataFormat.fromExtension(Path.of("a/train.JSONL")));
        assertEquals(DataFormat.JSON, DataFormat.fromExtension(Path.of("a.json")));
        assertEquals(DataFormat.CSV, DataFormat.fromExtension(Path.of("a.csv")));
        assertEquals(DataFormat.CSV, DataFormat.parse(" CSV "));
        assertThrows(IllegalArgumentException.class, () -> DataFormat.parse("tsv"));
    }

    // Field mapping and text values.

    @Test
    void mapsGsm8kFields() throws IOException {
        Path file = write("gsm.jsonl", """
                {"question": "What is 6 times 7?", "answer": "6 * 7 = <<6*7=42>>42\\n#### 42"}
                """);
        DataSource source = DataSource.builder()
                .setPath(file)
                .optInstructionField("question")
                .optResponseField("answer")
                .build();

        List<InstructionExample> examples = InstructionData.read(source);

        String answer = "6 * 7 = <<6*7=42>>42\n#### 42";
        assertEquals(List.of(new InstructionExample("What is 6 times 7?", "", answer, file, 1)), examples);
    }

    @Test
    void convertsNumbersAndBooleansToText() throws IOException {
        Path file = write("scalars.jsonl", """
                {"instruction": true, "input": 0.50, "output": 72}
                {"instruction": "Is it?", "input": 1e3, "output": false}
                """);

        List<InstructionExample> examples = InstructionData.read(DataSource.of(file));

        // Numbers keep the digits of the file.
        assertEquals(new InstructionExample("true", "0.50", "72", file, 1), examples.get(0));
        assertEquals(new InstructionExample("Is it?", "1e3", "false", file, 2), examples.get(1));
    }

    @Test
    void noInputFieldIgnoresInputColumn() throws IOException {
        Path file = write("data.csv", "instruction,input,output\nq,an id,a\n");

        DataSource source = DataSource.builder().setPath(file).optNoInputField().build();

        assertEquals("", InstructionData.read(source).get(0).input());
        assertEquals("an id", InstructionData.read(DataSource.of(file)).get(0).input());
    }

    @Test
    void unnamedCsvColumnIsSkipped() throws IOException {
        // pandas writes its index column with an empty header name.
        Path file = write("pandas.csv", ",instruction,output\n0,q,a\n1,r,b\n");

        List<InstructionExample> examples = InstructionData.read(DataSource.of(file));

        assertEquals(List.of(
                new InstructionExample("q", "", "a", file, 1),
                new InstructionExample("r", "", "b", file, 2)), examples);
    }

    // Filters.

    @Test
    void filterKeepsUnsafeJsonRows() throws IOException {
        Path file = write("beavertails.jsonl", """
                {"prompt": "p1", "response": "r1", "is_safe": true}
                {"prompt": "p2", "response": "r2", "is_safe": false}
                {"prompt": "p3", "response": "r3", "is_safe": "false"}
                {"prompt": "p4", "response": "r4"}
                {"prompt": "p5", "response": "r5", "is_safe": null}
                {"prompt": "p6", "response": "r6", "is_safe": false}
                """);
        DataSource source = DataSource.builder()
                .setPath(file)
                .optInstructionField("prompt")
                .optResponseField("response")
                .addFilter("is_safe=false")
                .build();

        List<InstructionExample> examples = InstructionData.read(source);

        assertEquals(List.of("p2", "p3", "p6"), instructions(examples));
        assertEquals(List.of(2, 3, 6), examples.stream().map(InstructionExample::row).toList());
    }

    @Test
    void filterMatchesPandasBooleansInCsv() throws IOException {
        Path file = write("beavertails.csv", "prompt,response,is_safe,category\n"
                + "p1,r1,True,animal\np2,r2,False,Animal\np3,r3,FALSE,animal\np4,r4,no,animal\n");
        DataSource booleans = DataSource.builder()
                .setPath(file)
                .optInstructionField("prompt")
                .optResponseField("response")
                .addFilter("is_safe = false")
                .build();
        DataSource categories = DataSource.builder()
                .setPath(file)
                .optInstructionField("prompt")
                .optResponseField("response")
                .addFilter("category=animal")
                .addFilter("is_safe=false")
                .build();

        assertEquals(List.of("p2", "p3"), instructions(InstructionData.read(booleans)));
        // Other values compare case-sensitively, so "Animal" does not match, and all filters must pass.
        assertEquals(List.of("p3"), instructions(InstructionData.read(categories)));
    }

    @Test
    void filterComparesNumbersAsWritten() throws IOException {
        Path file = write("numbers.jsonl", """
                {"instruction": "a", "output": "x", "score": 1}
                {"instruction": "b", "output": "x", "score": 1.0}
                {"instruction": "c", "output": "x", "score": "1"}
                """);
        DataSource source = DataSource.builder().setPath(file).addFilter("score=1").build();

        assertEquals(List.of("a", "c"), instructions(InstructionData.read(source)));
    }

    @Test
    void rowFilterParsesAndRejects() {
        assertEquals(new RowFilter("is_safe", "false"), RowFilter.parse(" is_safe = false "));
        assertEquals(new RowFilter("note", "a=b"), RowFilter.parse("note=a=b"));
        assertEquals(new RowFilter("note", ""), RowFilter.parse("note="));
        assertEquals("note=a=b", new RowFilter("note", "a=b").toString());
        assertThrows(IllegalArgumentException.class, () -> RowFilter.parse("is_safe"));
        assertThrows(IllegalArgumentException.class, () -> RowFilter.parse(" =false"));
    }

    @Test
    void filtersApplyBeforeFieldChecks() throws IOException {
        // The removed row lacks "output", which is not an error because no example is made from it.
        Path file = write("mixed.jsonl", """
                {"instruction": "keep", "output": "yes", "kind": "qa"}
                {"instruction": "skip", "kind": "other"}
                """);
        DataSource source = DataSource.builder().setPath(file).addFilter("kind=qa").build();

        assertEquals(List.of("keep"), instructions(InstructionData.read(source)));
    }

    // Shuffle and limit.

    @Test
    void limitWithoutSeedKeepsFileOrder() throws IOException {
        Path file = numberedRows("rows.jsonl", 100);

        DataSource source = DataSource.builder().setPath(file).optLimit(5).build();

        List<InstructionExample> examples = InstructionData.read(source);

        assertEquals(List.of("q0", "q1", "q2", "q3", "q4"), instructions(examples));
    }

    @Test
    void seededLimitDrawsReproducibleSubset() throws IOException {
        Path file = numberedRows("rows.jsonl", 100);
        DataSource seed1 = DataSource.builder().setPath(file).optSeed(1).optLimit(10).build();
        DataSource seed2 = DataSource.builder().setPath(file).optSeed(2).optLimit(10).build();

        List<String> first = instructions(InstructionData.read(seed1));
        List<String> again = instructions(InstructionData.read(seed1));
        List<String> other = instructions(InstructionData.read(seed2));

        assertEquals(10, first.size());
        assertEquals(first, again);
        assertNotEquals(first, other);
        assertEquals(10, new HashSet<>(first).size(), "rows are drawn without replacement: " + first);
        // The shuffle comes before the limit, so the draw is not the first 10 rows in another order.
        assertNotEquals(Set.of("q0", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9"), new HashSet<>(first));
        // A uniform draw of 10 rows comes out sorted with probability 1/10!.
        assertNotEquals(first.stream().sorted().toList(), first);
    }

    @Test
    void seedWithoutLimitPermutesAllRows() throws IOException {
        Path file = numberedRows("rows.jsonl", 50);

        List<InstructionExample> examples = InstructionData.read(DataSource.builder().setPath(file).optSeed(7).build());

        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            expected.add("q" + i);
        }
        assertEquals(expected, new HashSet<>(instructions(examples)));
        assertEquals(50, examples.size());
        assertNotEquals(instructions(InstructionData.read(DataSource.of(file))), instructions(examples));
    }

    @Test
    void limitAboveRowCountKeepsAll() throws IOException {
        Path file = numberedRows("rows.jsonl", 3);

        assertEquals(3, InstructionData.read(DataSource.builder().setPath(file).optLimit(10).build()).size());
    }

    @Test
    void shuffleDrawsEachPositionUniformly() {
        // Independent check of the Fisher-Yates shuffle: each item lands in position 0 about equally often.
        int size = 5;
        int trials = 20_000;
        int[] firstCounts = new int[size];
        for (int seed = 0; seed < trials; seed++) {
            firstCounts[Shuffles.permutation(size, seed)[0]]++;
        }
        for (int item = 0; item < size; item++) {
            double share = firstCounts[item] / (double) trials;
            assertEquals(0.2, share, 0.02, "share of item " + item + " in position 0");
        }
    }

    // Errors.

    @Test
    void missingFileNamesPath() {
        Path file = tempDir.resolve("absent.jsonl");

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> InstructionData.read(DataSource.of(file)));

        assertTrue(error.getMessage().contains(file.toAbsolutePath().toString()), error.getMessage());
        assertTrue(error.getMessage().contains("path of the data source"), error.getMessage());
    }

    @Test
    void malformedJsonLineNamesLine() throws IOException {
        Path file = write("bad.jsonl", """
                {"instruction": "a", "output": "b"}
                {"instruction": "a", "output": }
                """);

        String message = readError(DataSource.of(file));

        assertTrue(message.contains("line 2 of " + file), message);
        assertTrue(message.startsWith("Malformed JSON"), message);
    }

    @Test
    void trailingTextOnJsonLineRejected() throws IOException {
        Path file = write("bad.jsonl", "{\"instruction\": \"a\", \"output\": \"b\"} {\"x\": 1}\n");

        String message = readError(DataSource.of(file));

        assertTrue(message.contains("line 1 of " + file), message);
        assertTrue(message.contains("one object per line"), message);
    }

    @Test
    void jsonLineThatIsNotObjectRejected() throws IOException {
        Path file = write("bad.jsonl", "{\"instruction\": \"a\", \"output\": \"b\"}\n[1, 2]\n");

        String message = readError(DataSource.of(file));

        assertTrue(message.contains("Line 2 of " + file + " is an array"), message);
    }

    @Test
    void malformedJsonArrayNamesRow() throws IOException {
        Path file = write("bad.json", """
                [
                  {"instruction": "a", "output": "b"},
                  {"instruction": "a" "output": "b"}
                ]
                """);

        String message = readError(DataSource.of(file));

        assertTrue(message.contains(file.toString()), message);
        assertTrue(message.contains("row 2"), message);
        assertTrue(message.contains("line 3"), message);
        assertFalse(message.contains("LENIENT"), message);
    }

    @Test
    void jsonObjectInsteadOfArrayRejected() throws IOException {
        Path file = write("one.json", "{\"instruction\": \"a\", \"output\": \"b\"}\n");

        String message = readError(DataSource.of(file));

        assertTrue(message.contains("starts with an object"), message);
        assertTrue(message.contains("jsonl"), message);
    }

    @Test
    void missingFieldNamesRowAndFields() throws IOException {
        Path file = write("gsm.jsonl", """
                {"instruction": "q", "output": "a"}
                {"question": "q", "answer": "a"}
                """);

        String message = readError(DataSource.of(file));

        assertTrue(message.contains("Row 2 of " + file), message);
        assertTrue(message.contains("no field 'instruction'"), message);
        assertTrue(message.contains("its fields are question, answer"), message);
        assertTrue(message.contains("instruction field"), message);
    }

    @Test
    void missingCsvColumnNamesColumns() throws IOException {
        Path file = write("advbench.csv", "goal,target\nDo it,\"Sure, here\"\n");

        String message = readError(DataSource.of(file));

        assertTrue(message.contains("Row 1 of " + file), message);
        assertTrue(message.contains("its fields are goal, target"), message);
    }

    @Test
    void nonTextFieldNamesKind() throws IOException {
        Path file = write("bad.json", """
                [
                  {"instruction": "q", "output": "a"},
                  {"instruction": "q", "output": "a"},
                  {"instruction": "q", "output": {"text": "a"}}
                ]
                """);

        String message = readError(DataSource.of(file));

        assertTrue(message.contains("Row 3 of " + file), message);
        assertTrue(message.contains("an object in field 'output'"), message);
        assertTrue(message.contains("its fields are instruction, output"), message);
    }

    @Test
    void nullInstructionRejected() throws IOException {
        Path file = write("bad.jsonl", "{\"instruction\": null, \"output\": \"a\"}\n");

        String message = readError(DataSource.of(file));

        assertTrue(message.contains("Row 1 of " + file + " has null in field 'instruction'"), message);
    }

    @Test
    void arrayInputRejected() throws IOException {
        Path file = write("bad.jsonl", "{\"instruction\": \"q\", \"input\": [\"x\"], \"output\": \"a\"}\n");

        String message = readError(DataSource.of(file));

        assertTrue(message.contains("an array in field 'input'"), message);
    }

    @Test
    void filtersRemovingAllRowsNamed() throws IOException {
        Path file = write("data.jsonl", """
                {"instruction": "a", "output": "x", "is_safe": true}
                {"instruction": "b", "output": "x"}
                """);
        DataSource source = DataSource.builder().setPath(file).addFilter("is_safe=false").build();

        String message = readError(source);

        assertTrue(message.contains("No rows of " + file + " are left"), message);
        assertTrue(message.contains("the file has 2 rows"), message);
        assertTrue(message.contains("Filter is_safe=false matches 0 rows"), message);
        assertTrue(message.contains("1 rows have no field 'is_safe'"), message);
        assertTrue(message.contains("a value in the file: 'true'"), message);
    }

    @Test
    void emptyFileRejected() throws IOException {
        for (String name : List.of("empty.jsonl", "empty.json", "empty.csv")) {
            Path file = write(name, "");

            String message = readError(DataSource.of(file));

            assertTrue(message.contains(file + " contains no rows"), message);
        }
        Path headerOnly = write("header.csv", "instruction,output\n");
        assertTrue(readError(DataSource.of(headerOnly)).contains("contains no rows"));
        Path emptyArray = write("array.json", "[]");
        assertTrue(readError(DataSource.of(emptyArray)).contains("contains no rows"));
    }

    @Test
    void csvRowWithMissingValuesRejected() throws IOException {
        Path file = write("bad.csv", "instruction,input,output\nq,,a\nq,a\n");

        String message = readError(DataSource.of(file));

        assertTrue(message.contains("Row 2 of " + file), message);
        assertTrue(message.contains("has 2 values, but the header has 3 columns"), message);
    }

    @Test
    void unterminatedCsvQuoteRejected() throws IOException {
        Path file = write("bad.csv", "instruction,output\nq,a\n\"never closed,a\n");

        String message = readError(DataSource.of(file));

        assertTrue(message.startsWith("Malformed CSV in " + file + " at row 2"), message);
    }

    @Test
    void duplicateCsvHeaderRejected() throws IOException {
        Path file = write("bad.csv", "instruction,output,output\nq,a,b\n");

        String message = readError(DataSource.of(file));

        assertTrue(message.contains("Invalid CSV header in " + file), message);
    }

    @Test
    void invalidUtf8Rejected() throws IOException {
        Path file = tempDir.resolve("latin1.csv");
        Files.write(file, "instruction,output\ncaf\u00e9,a\n".getBytes(StandardCharsets.ISO_8859_1));

        String message = readError(DataSource.of(file));

        assertTrue(message.contains(file + " is not valid UTF-8"), message);
    }

    @Test
    void invalidSettingsRejected() {
        Path file = tempDir.resolve("x.jsonl");

        IllegalArgumentException limit = assertThrows(IllegalArgumentException.class,
                () -> DataSource.builder().setPath(file).optLimit(0).build());
        IllegalArgumentException field = assertThrows(IllegalArgumentException.class,
                () -> DataSource.builder().setPath(file).optResponseField(" ").build());
        IllegalArgumentException path = assertThrows(IllegalArgumentException.class,
                () -> DataSource.builder().build());

        assertTrue(limit.getMessage().contains("at least 1, got 0"), limit.getMessage());
        assertTrue(field.getMessage().contains("responseField"), field.getMessage());
        assertTrue(path.getMessage().contains("setPath"), path.getMessage());
    }

    // Shared data.

    @Test
    void readsSafetyTunedInstructions() {
        Path file = SharedData.require("safety-tuned/safety_only_data_Instructions.json");

        List<InstructionExample> examples = InstructionData.read(DataSource.of(file));

        assertEquals(2483, examples.size());
        assertTrue(examples.get(0).instruction().startsWith("Present facts to support"), examples.get(0).instruction());
        assertTrue(examples.get(0).response().startsWith("There is no credible evidence"));
        assertEquals(2483, examples.get(2482).row());
        assertTrue(examples.stream().noneMatch(InstructionExample::hasInput));
    }

    @Test
    void readsGsm8kTrain() {
        Path file = SharedData.require("gsm8k/train.jsonl");
        DataSource source = DataSource.builder()
                .setPath(file)
                .optInstructionField("question")
                .optResponseField("answer")
                .build();

        List<InstructionExample> examples = InstructionData.read(source);

        assertEquals(7473, examples.size());
        assertTrue(examples.get(0).instruction().startsWith("Natalia sold clips"), examples.get(0).instruction());
        assertTrue(examples.get(0).response().endsWith("#### 72"), examples.get(0).response());
        assertEquals(7473, examples.get(7472).row());
    }

    // Helpers.

    private Path write(String name, String content) throws IOException {
        return Files.writeString(tempDir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private Path numberedRows(String name, int count) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            text.append("{\"instruction\": \"q").append(i).append("\", \"output\": \"a").append(i).append("\"}\n");
        }
        return write(name, text.toString());
    }

    private static List<String> instructions(List<InstructionExample> examples) {
        List<String> result = new ArrayList<>();
        for (InstructionExample example : examples) {
            result.add(example.instruction());
        }
        return result;
    }

    private static String readError(DataSource source) {
        return assertThrows(IllegalArgumentException.class, () -> InstructionData.read(source)).getMessage();
    }
}
