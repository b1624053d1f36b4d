package io.github.safetyspaces.core.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.safetyspaces.core.SharedData;
import io.github.safetyspaces.core.embedded.EmbeddedDatasets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a training JVM after it saved a training state and runs it again in a new JVM. The resumed
 * run must end with the same weights and training log, byte for byte, as a run never interrupted.
 */
class ResumeAfterKillTest {

    /** Steps between training states. */
    private static final int STATE_EVERY = 5;

    /** The first step whose state triggers the kill; the run has {@link FinetuneProbe#STEPS}. */
    private static final int KILL_AFTER = 10;

    @TempDir
    Path temporary;

    @Test
    void killedRunResumesBitIdentically() throws IOException, InterruptedException {
        Path base = SharedData.require("models/stories260K/stories260K.bin");
        Path data = temporary.resolve("data");
        EmbeddedDatasets.write(data, 1);
        String every = Integer.toString(STATE_EVERY);

        // Reference: the same run, never interrupted.
        Path reference = temporary.resolve("reference");
        ProbeJvm.run(temporary.resolve("reference.log"), base.toString(), data.toString(), reference.toString(),
                every);

        // Interrupted: killed once a state of step KILL_AFTER or later is on disk.
        Path resumed = temporary.resolve("resumed");
        Path stateJson = TrainingStateDirectory.beside(resumed).path().resolve(TrainingStateDirectory.STATE_JSON);
        Process victim = ProbeJvm.start(temporary.resolve("killed.log"), base.toString(), data.toString(),
                resumed.toString(), every);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (savedStep(stateJson) < KILL_AFTER && victim.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        victim.destroyForcibly();
        assertTrue(victim.waitFor(60, TimeUnit.SECONDS), "the killed JVM did not end");
        assertFalse(Files.exists(resumed.resolve("model.safetensors")),
                "the run finished before it was killed; the test needs more steps after step " + KILL_AFTER);
        long savedStep = savedStep(stateJson);
        assertTrue(savedStep >= KILL_AFTER, "state of step " + savedStep + " after the kill; see "
                + temporary.resolve("killed.log"));
        assertTrue(savedStep < FinetuneProbe.STEPS, "a state of the last step is never written, got " + savedStep);
        assertEquals(2, savedState(stateJson).orElseThrow().getAsJsonObject("environment").get("libtorch_threads")
                .getAsInt(), "the state records the thread count that ProbeJvm sets");

        // Rerun in a new JVM: it resumes from the saved step and matches the reference.
        Path rerunLog = temporary.resolve("rerun.log");
        ProbeJvm.run(rerunLog, base.toString(), data.toString(), resumed.toString(), every);
        String log = Files.readString(rerunLog, StandardCharsets.UTF_8);
        assertTrue(log.contains("Resuming fine-tuning of " + resumed.toAbsolutePath() + " from step " + savedStep
                + " of " + FinetuneProbe.STEPS + " (state "), log);
        assertArrayEquals(Files.readAllBytes(reference.resolve("model.safetensors")),
                Files.readAllBytes(resumed.resolve("model.safetensors")), "weights of the resumed run");
        assertArrayEquals(Files.readAllBytes(reference.resolve(TrainingLogCsv.FILE_NAME)),
                Files.readAllBytes(resumed.resolve(TrainingLogCsv.FILE_NAME)), "train-log.csv of the resumed run");
        assertEquals(FinetuneProbe.STEPS + 1, Files.readAllLines(resumed.resolve(TrainingLogCsv.FILE_NAME)).size(),
                "a header and one row per step");
        assertFalse(Files.exists(stateJson.getParent()), "the state folder is deleted once the output is written");
    }

    /**
     * Returns the step of the state on disk, or 0 while there is none. A kill between the two renames
     * of a save leaves the previous state under a hidden {@code .<name>.state.old-*} name, where the
     * next run finds it, so that name counts too.
     */
    private static long savedStep(Path stateJson) {
        return savedState(stateJson).map(state -> state.get("step").getAsLong()).orElse(0L);
    }

    /** Returns the newest state.json in place or moved aside; empty while there is none. */
    private static Optional<JsonObject> savedState(Path stateJson) {
        Path folder = stateJson.getParent();
        List<Path> candidates = new ArrayList<>();
        candidates.add(stateJson);
        try (Stream<Path> siblings = Files.list(folder.getParent())) {
            siblings.filter(path -> path.getFileName().toString().startsWith("." + folder.getFileName() + ".old-"))
                    .forEach(path -> candidates.add(path.resolve(stateJson.getFileName())));
        } catch (IOException e) {
            // Listed again at the next poll.
        }
        // Read the main name again last: a save may have moved its new folder there meanwhile.
        candidates.add(stateJson);
        return candidates.stream().map(ResumeAfterKillTest::parse).flatMap(Optional::stream)
                .max(Comparator.comparingLong(state -> state.get("step").getAsLong()));
    }

    private static Optional<JsonObject> parse(Path stateJson) {
        try {
            JsonObject state = JsonParser.parseString(Files.readString(stateJson, StandardCharsets.UTF_8))
                    .getAsJsonObject();
            return state.has("step") ? Optional.of(state) : Optional.empty();
        } catch (IOException | JsonParseException | IllegalStateException e) {
            return Optional.empty();
        }
    }
}
