package io.github.safetyspaces.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.safetyspaces.core.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataMixtureTest {

    @TempDir
    Path tempDir;

    private Path useful;
    private Path harmful;

    @BeforeEach
    void writeSources() throws IOException {
        useful = rows("useful.jsonl", "u", 50);
        harmful = rows("harmful.jsonl", "h", 40);
    }

    @Test
    void ratioOfFirstComponent() {
        DataMixture mixture = contaminated(0.2, 11);

        List<InstructionExample> examples = mixture.read();

        assertEquals(60, examples.size());
        assertEquals(50, countFrom(examples, useful));
        assertEquals(10, countFrom(examples, harmful));
        assertEquals(60, new HashSet<>(examples).size(), "rows are drawn without replacement");
    }

    @Test
    void sameSeedSameList() {
        List<InstructionExample> first = contaminated(0.2, 11).read();
        List<InstructionExample> again = contaminated(0.2, 11).read();

        assertEquals(first, again);
    }

    @Test
    void otherSeedOtherDrawAndOrder() {
        List<InstructionExample> first = contaminated(0.2, 11).read();
        List<InstructionExample> other = contaminated(0.2, 12).read();

        assertNotEquals(first, other);
        assertNotEquals(harmfulRows(first), harmfulRows(other), "the harmful subset depends on the seed");
    }

    @Test
    void combinedListIsShuffled() {
        List<InstructionExample> examples = contaminated(0.2, 11).read();

        // Without the final shuffle, the first 50 examples would all be useful.
        assertTrue(countFrom(examples.subList(0, 50), harmful) > 0, "harmful rows among the first 50");
    }

    @Test
    void countAndRatioRounding() {
        DataMixture mixture = new DataMixture(List.of(
                new MixtureComponent("useful", DataSource.of(useful), ComponentSize.count(7)),
                new MixtureComponent("harmful", DataSource.of(harmful), ComponentSize.ratio(0.5))), 3);

        List<InstructionExample> examples = mixture.read();

        // round(0.5 * 7) = 4, rounding half up.
        assertEquals(7, countFrom(examples, useful));
        assertEquals(4, countFrom(examples, harmful));
    }

    @Test
    void zeroRatioTakesNoRows() {
        List<InstructionExample> examples = contaminated(0.0, 1).read();

        assertEquals(50, examples.size());
        assertEquals(0, countFrom(examples, harmful));
    }

    @Test
    void tooFewRowsNamesComponentAndCounts() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> contaminated(1.0, 1).read());

        String message = error.getMessage();
        assertTrue(message.contains("component 'harmful' requests 50 rows"), message);
        assertTrue(message.contains("ratio 1.0 of the 50 rows of component 'useful'"), message);
        assertTrue(message.contains("has only 40"), message);
        assertTrue(message.contains(harmful.toString()), message);
    }

    @Test
    void firstComponentRatioRejected() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> new DataMixture(
                List.of(new MixtureComponent("useful", DataSource.of(useful), ComponentSize.ratio(0.5))), 1));

        assertTrue(error.getMessage().contains("first mixture component 'useful'"), error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DataMixture(List.of(), 1));
    }

    @Test
    void componentSizeParses() {
        assertEquals(ComponentSize.all(), ComponentSize.parse(" ALL "));
        assertEquals(ComponentSize.count(500), ComponentSize.parse("500"));
        assertEquals(ComponentSize.ratio(0.2), ComponentSize.parse("0.2"));
        assertEquals(ComponentSize.ratio(1.0), ComponentSize.parse("1.0"));
        assertEquals("0.2", ComponentSize.ratio(0.2).toString());
        assertEquals(ComponentSize.ratio(0.2), ComponentSize.parse(ComponentSize.ratio(0.2).toString()));
        assertThrows(IllegalArgumentException.class, () -> ComponentSize.parse("some"));
        assertThrows(IllegalArgumentException.class, () -> ComponentSize.parse("-3"));
        assertThrows(IllegalArgumentException.class, () -> ComponentSize.ratio(Double.NaN));
    }

    @Test
    void realGsm8kWithSafetyRatio() {
        Path gsm8k = SharedData.require("gsm8k/train.jsonl");
        Path safety = SharedData.require("safety-tuned/safety_only_data_Instructions.json");
        DataSource math = DataSource.builder()
                .setPath(gsm8k)
                .optInstructionField("question")
                .optResponseField("answer")
                .optSeed(5)
                .optLimit(500)
                .build();
        DataMixture mixture = new DataMixture(List.of(
                new MixtureComponent("gsm8k", math, ComponentSize.all()),
                new MixtureComponent("safety", DataSource.of(safety), ComponentSize.ratio(0.2))), 9);

        List<InstructionExample> examples = mixture.read();

        assertEquals(600, examples.size());
        assertEquals(500, countFrom(examples, gsm8k));
        assertEquals(100, countFrom(examples, safety));
    }

    private DataMixture contaminated(double ratio, long seed) {
        return new DataMixture(List.of(
                new MixtureComponent("useful", DataSource.of(useful), ComponentSize.all()),
                new MixtureComponent("harmful", DataSource.of(harmful), ComponentSize.ratio(ratio))), seed);
    }

    private Set<InstructionExample> harmfulRows(List<InstructionExample> examples) {
        Set<InstructionExample> rows = new HashSet<>();
        for (InstructionExample example : examples) {
            if (example.source().equals(harmful)) {
                rows.add(example);
            }
        }
        return rows;
    }

    private static long countFrom(List<InstructionExample> examples, Path file) {
        return examples.stream().filter(example -> example.source().equals(file)).count();
    }

    private Path rows(String name, String prefix, int count) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            text.append("{\"instruction\": \"").append(prefix).append(i).append("\", \"output\": \"r\"}\n");
        }
        return Files.writeString(tempDir.resolve(name), text);
    }
}
