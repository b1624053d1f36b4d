package io.github.safetyspaces.core.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.safetyspaces.core.checkpoint.FloatTensor;
import io.github.safetyspaces.core.checkpoint.InMemoryTensors;
import io.github.safetyspaces.core.checkpoint.TensorSource;
import io.github.safetyspaces.core.io.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrainingStateDirectoryTest {

    private static final String FINGERPRINT = "a".repeat(64);

    private static final TrainingEnvironment ENVIRONMENT = new TrainingEnvironment("0.1.0", "0.36.0", "2.7.1", 2);

    @TempDir
    Path temporary;

    private TrainingStateDirectory directory() {
        return directory(ENVIRONMENT);
    }

    private TrainingStateDirectory directory(TrainingEnvironment environment) {
        return TrainingStateDirectory.beside(temporary.resolve("model"), () -> environment);
    }

    /** Runs an action and returns what it logged (slf4j-simple writes to the current System.err). */
    private static <T> Logged<T> logged(Supplier<T> action) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            T value = action.get();
            return new Logged<>(value, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(original);
        }
    }

    private record Logged<T>(T value, String log) {
    }

    /** A state at step 2 of 6 whose tensors and logs hold values that text would round. */
    private static TrainingState state() {
        TensorSource weights = new InMemoryTensors(Map.of("w", new FloatTensor(new long[] {2, 2},
                new float[] {0.1f, -Float.MIN_VALUE, Math.nextUp(1f), 3e38f})));
        TensorSource first = new InMemoryTensors(Map.of("w", new FloatTensor(new long[] {2, 2},
                new float[] {1e-30f, 2, -3, 0.333333343f})));
        TensorSource second = new InMemoryTensors(Map.of("w", new FloatTensor(new long[] {2, 2},
                new float[] {1e-40f, 5, 6, 7})));
        List<StepLog> logs = List.of(new StepLog(1, 0.25, Math.PI, 1e-4 / 3, Math.E, 100),
                new StepLog(2, 0.5, 0.1 + 0.2, 2e-4 / 3, 1.0 / 7, 99));
        return new TrainingState(2, 6, 42, 0, 2, logs, weights, first, second);
    }

    @Test
    void stateOfTheSameInputsReadsBackExactly() {
        TrainingStateDirectory directory = directory();
        TrainingState written = state();
        directory.write(FINGERPRINT, written);
        assertEquals(temporary.resolve("model.state"), directory.path());

        Optional<TrainingState> read = directory.read(FINGERPRINT);
        assertTrue(read.isPresent(), "a state of the same fingerprint is used");
        try (TrainingState state = read.get()) {
            assertEquals(List.of(2L, 6L, 42L, 0L, 2L), List.of(state.step(), state.totalSteps(), state.seed(),
                    (long) state.epoch(), (long) state.nextBatch()));
            assertEquals(written.logs(), state.logs(), "step logs, bit for bit");
            assertArrayEquals(written.weights().read("w").data(), state.weights().read("w").data());
            assertArrayEquals(written.firstMoments().read("w").data(), state.firstMoments().read("w").data());
            assertArrayEquals(written.secondMoments().read("w").data(), state.secondMoments().read("w").data());
        }
    }

    @Test
    void stateOfOtherInputsIsDeletedNotUsed() {
        TrainingStateDirectory directory = directory();
        directory.write(FINGERPRINT, state());

        assertEquals(Optional.empty(), directory.read("b".repeat(64)));
        assertFalse(Files.exists(directory.path()), "the state of other inputs is deleted");
        assertEquals(Optional.empty(), directory.read(FINGERPRINT), "and a later run of the old inputs finds none");
    }

    @Test
    void leftoversOfAKilledWriteAreDeleted() throws IOException {
        TrainingStateDirectory directory = directory();
        Path partial = Files.createDirectories(temporary.resolve(".model.state.partial-1234"));
        Files.writeString(partial.resolve("weights.safetensors"), "half");
        Path unrelated = Files.createDirectories(temporary.resolve(".model.partial-5678"));

        assertEquals(Optional.empty(), directory.read(FINGERPRINT));
        assertFalse(Files.exists(partial), "the state's temporary folder is deleted");
        assertTrue(Files.exists(unrelated), "the output's own temporary folder is not the state's to delete");
    }

    @Test
    void stateMovedAsideIsRestored() throws IOException {
        TrainingStateDirectory directory = directory();
        directory.write(FINGERPRINT, state());
        // A kill between the two renames of a write: the old state aside, the new one still partial.
        Files.move(directory.path(), temporary.resolve(".model.state.old-1234"));
        Files.createDirectories(temporary.resolve(".model.state.partial-5678"));

        Optional<TrainingState> read = directory.read(FINGERPRINT);
        assertTrue(read.isPresent(), "the state moved aside is used");
        read.get().close();
        assertEquals(2, read.get().step());
        assertFalse(Files.exists(temporary.resolve(".model.state.old-1234")));
        assertFalse(Files.exists(temporary.resolve(".model.state.partial-5678")));
    }

    @Test
    void stateWithoutItsRecordIsIgnored() throws IOException {
        TrainingStateDirectory directory = directory();
        directory.write(FINGERPRINT, state());
        Files.delete(directory.path().resolve(TrainingStateDirectory.STATE_JSON));

        assertEquals(Optional.empty(), directory.read(FINGERPRINT));
        assertFalse(Files.exists(directory.path()));
    }

    @Test
    void otherEnvironmentStateDeleted() {
        directory(new TrainingEnvironment("0.0.9", "0.36.0", "2.7.1", 4)).write(FINGERPRINT, state());

        Logged<Optional<TrainingState>> read = logged(() -> directory().read(FINGERPRINT));
        assertEquals(Optional.empty(), read.value());
        assertFalse(Files.exists(directory().path()), "the state of another environment is deleted");
        assertTrue(read.log().contains("safety_spaces 0.0.9 (state) vs 0.1.0 (this run), libtorch_threads 4 (state)"
                + " vs 2 (this run)"), read.log());
        assertFalse(read.log().contains("djl "), "only the differing values are named: " + read.log());
    }

    @Test
    void stateRecordsItsEnvironmentAndDigests() throws IOException {
        directory().write(FINGERPRINT, state());
        String json = Files.readString(directory().path().resolve(TrainingStateDirectory.STATE_JSON));

        for (String value : List.of("\"libtorch_threads\": 2", "\"libtorch\": \"2.7.1\"", "\"djl\": \"0.36.0\"",
                "\"safety_spaces\": \"0.1.0\"")) {
            assertTrue(json.contains(value), value + " in " + json);
        }
        for (String file : List.of(TrainingStateDirectory.WEIGHTS, TrainingStateDirectory.FIRST_MOMENTS,
                TrainingStateDirectory.SECOND_MOMENTS)) {
            String digest = Sha256.ofFile(directory().path().resolve(file));
            assertTrue(json.contains("\"" + file + "\": \"" + digest + "\""), file + " in " + json);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"format\": \"x\"", "\"fingerprint\": null", "\"format\": 2.5",
        "\"environment\": []", "\"sha256\": {}"})
    void malformedFieldDeletesState(String replacement) throws IOException {
        directory().write(FINGERPRINT, state());
        Path json = directory().path().resolve(TrainingStateDirectory.STATE_JSON);
        String text = Files.readString(json);
        String field = replacement.substring(0, replacement.indexOf(':'));
        String edited = text.replaceFirst(field + ": (\\{[^}]*\\}|[^,\\n]*)", replacement);
        assertTrue(!edited.equals(text), "the edit applies: " + edited);
        Files.writeString(json, edited);

        Logged<Optional<TrainingState>> read = logged(() -> directory().read(FINGERPRINT));
        assertEquals(Optional.empty(), read.value());
        assertFalse(Files.exists(directory().path()), "the unreadable state is deleted");
        assertTrue(read.log().contains("Deleting the training state " + directory().path() + ": cannot read it"),
                read.log());
    }

    @ParameterizedTest
    @ValueSource(strings = {TrainingStateDirectory.WEIGHTS, TrainingStateDirectory.FIRST_MOMENTS,
        TrainingStateDirectory.SECOND_MOMENTS})
    void flippedTensorByteDeletesState(String file) throws IOException {
        directory().write(FINGERPRINT, state());
        Path tensors = directory().path().resolve(file);
        byte[] bytes = Files.readAllBytes(tensors);
        // The last byte is tensor data: the file still parses, only the digest can tell.
        bytes[bytes.length - 1] ^= 0x01;
        Files.write(tensors, bytes);

        Logged<Optional<TrainingState>> read = logged(() -> directory().read(FINGERPRINT));
        assertEquals(Optional.empty(), read.value());
        assertFalse(Files.exists(directory().path()), "the damaged state is deleted");
        assertTrue(read.log().contains("WARN"), read.log());
        assertTrue(read.log().contains(tensors + " is damaged"), read.log());
    }
}
