package io.github.safetyspaces.core.training;

import ai.djl.engine.Engine;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.safetyspaces.core.LanguageModel;
import io.github.safetyspaces.core.checkpoint.AtomicDirectory;
import io.github.safetyspaces.core.data.DataSource;
import io.github.safetyspaces.core.data.InstructionExample;
import io.github.safetyspaces.core.data.MixtureComponent;
import io.github.safetyspaces.core.data.PromptTemplate;
import io.github.safetyspaces.core.data.SftBatches;
import io.github.safetyspaces.core.data.SftDataset;
import io.github.safetyspaces.core.data.SftEncoder;
import io.github.safetyspaces.core.engine.Engines;
import io.github.safetyspaces.core.io.AtomicFiles;
import io.github.safetyspaces.core.io.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One fine-tuning run from files to a checkpoint directory: read and tokenize the data, train,
 * and write the checkpoint with {@code prompt_template.json}, {@code train-log.csv} and
 * {@code training.json}.
 *
 * <p>The directory appears only when complete. {@code training.json} contains a fingerprint of every
 * input (SHA-256 of the starting checkpoint and data files, and every setting that changes the
 * result); a later run with the same fingerprint skips the work unless forced.
 *
 * <p>With {@code stateEvery} set, the run saves its training state every that many steps into
 * {@code <output>.state} beside the output (see {@link TrainingStateDirectory}). A run started
 * again with the same fingerprint, forced or not, continues from that state and ends with the same
 * weights and {@code train-log.csv}, bit for bit, as a run that never stopped, on the CPU with the
 * same libtorch thread count (a state saved under another thread count or other versions is
 * discarded). A save that fails, for example on a full disk, is logged as a warning and training goes
 * on. The state folder is deleted once the output is in place.
 */
public final class FinetuneJob {

    private static final Logger LOG = LoggerFactory.getLogger(FinetuneJob.class);

    /** Record of a run inside its checkpoint directory. */
    public static final String TRAINING_JSON = "training.json";

    private FinetuneJob() {
    }

    /**
     * Outcome of a run.
     *
     * @param output the checkpoint directory
     * @param skipped true when a completed run with the same inputs was found and kept
     * @param fingerprint SHA-256 of the run's inputs
     * @param logs the steps trained; empty when skipped
     */
    public record Result(Path output, boolean skipped, String fingerprint, List<StepLog> logs) {
    }

    /**
     * Runs the job.
     *
     * @param request inputs and settings
     * @return what happened
     */
    public static Result run(FinetuneRequest request) {
        long started = System.nanoTime();
        if (!Files.exists(request.model())) {
            throw new IllegalArgumentException("Model not found: " + request.model().toAbsolutePath() + "; set the"
                    + " starting model (<model>, -Dsafety.model=PATH) to a checkpoint directory or a llama2.c .bin"
                    + " file, or to the output of an earlier run.");
        }
        if (request.tokenizer() != null && !Files.isRegularFile(request.tokenizer())) {
            throw new IllegalArgumentException("Tokenizer not found: " + request.tokenizer().toAbsolutePath()
                    + "; set <tokenizer> (-Dsafety.tokenizer=FILE) to a tokenizer.json or llama2.c tokenizer file.");
        }

        // Fingerprint of the inputs; a completed run with the same one is kept.
        JsonObject inputs = describeInputs(request);
        String fingerprint = Sha256.ofText(inputs.toString());
        Path output = request.output().toAbsolutePath();
        TrainingStateDirectory state = TrainingStateDirectory.beside(output);
        if (!request.force() && isCompleteRun(output, fingerprint)) {
            // A run killed after writing its output but before deleting its state leaves one behind.
            deleteServedState(state, output);
            LOG.info("Skipping fine-tuning: {} holds a completed run with the same inputs (fingerprint {});"
                    + " set -Dsafety.force=true to run it again.", output, fingerprint.substring(0, 12));
            return new Result(output, true, fingerprint, List.of());
        }

        // Data, read and checked before the model is loaded, so bad rows fail fast.
        List<InstructionExample> rows = request.data().read();
        LOG.info("Read {} training rows from {}", rows.size(), request.data());

        try (LanguageModel model = LanguageModel.open(request.model(), request.tokenizer(), request.device())) {
            SftEncoder encoder = SftEncoder.builder().setTokenizer(model.tokenizer()).setMaxLength(request.maxLength())
                    .optTemplate(request.template()).build();
            SftDataset dataset = encoder.encode(rows);
            if (dataset.examples().isEmpty()) {
                throw new IllegalArgumentException("No training example is left after tokenization: all "
                        + rows.size() + " rows lost their response to truncation at maxLength " + request.maxLength()
                        + "; raise maxLength.");
            }

            // Training, from the saved state when there is one of these inputs.
            TrainingConfig training = request.training();
            SftBatches batches = new SftBatches(dataset.examples(), training.batchSize(), encoder.eosId(),
                    training.seed());
            SftTrainer trainer = new SftTrainer(model.decoder(), training);
            Consumer<TrainingState> stateSink = training.stateEvery() > 0 ? saved -> save(state, fingerprint, saved)
                    : null;
            List<StepLog> logs;
            long resumedFrom = 0;
            long trainingStarted;
            try (TrainingState resume = state.read(fingerprint).orElse(null)) {
                if (resume != null) {
                    resumedFrom = resume.step();
                    LOG.info("Resuming fine-tuning of {} from step {} of {} (state {})", output, resume.step(),
                            trainer.totalSteps(batches.batchCount()), state.path());
                }
                trainingStarted = System.nanoTime();
                logs = trainer.train(batches::epoch, null, resume, stateSink);
            } catch (StateMismatchException e) {
                throw new IllegalArgumentException(e.mismatch() + "; delete the training state folder " + state.path()
                        + " to start over.", e);
            }
            Timing timing = new Timing(resumedFrom, logs, (System.nanoTime() - trainingStarted) / 1e9);

            // Outputs, all in one directory that appears when complete.
            JsonObject record = trainingRecord(request, inputs, fingerprint, dataset, logs, timing, started);
            AtomicDirectory.replace(output, directory -> {
                model.save(directory, request.dtype());
                AtomicFiles.writeString(directory.resolve(PromptTemplate.FILE_NAME), request.template().toJson());
                TrainingLogCsv.write(directory.resolve(TrainingLogCsv.FILE_NAME), logs);
                AtomicFiles.writeString(directory.resolve(TRAINING_JSON),
                        new GsonBuilder().setPrettyPrinting().create().toJson(record) + "\n");
            });
            // The output is complete, so the state has served its purpose.
            deleteServedState(state, output);
            LOG.info("Wrote the fine-tuned checkpoint {} after {} steps in {} s (final loss {})", output, logs.size(),
                    Math.round((System.nanoTime() - started) / 1e9), logs.get(logs.size() - 1).loss());
            return new Result(output, false, fingerprint, logs);
        }
    }

    /**
     * Saves a training state, logging a failed save, such as on a full disk, as a warning. Training goes
     * on because a failed save costs only the steps since the previous one if the run is killed later,
     * and the final checkpoint needs about a third of a state's space.
     */
    private static void save(TrainingStateDirectory state, String fingerprint, TrainingState saved) {
        try {
            state.write(fingerprint, saved);
        } catch (UncheckedIOException e) {
            LOG.warn("Cannot save the training state of step {} to {}: {}. Training goes on; a killed run would"
                    + " resume from the previous state, if any. Free space there, or set stateEvery=0"
                    + " (-Dsafety.stateEvery=0) to save none.", saved.step(), state.path(), e.getMessage());
        }
    }

    /** Deletes the state of a completed run; a failure leaves a stale folder, not a failed run. */
    private static void deleteServedState(TrainingStateDirectory state, Path output) {
        try {
            state.delete();
        } catch (UncheckedIOException e) {
            LOG.warn("{} is complete, but its training state could not be deleted: {}", output, e.getMessage());
        }
    }

    /** Returns true when {@code output} has a checkpoint and a training record with this fingerprint. */
    private static boolean isCompleteRun(Path output, String fingerprint) {
        Path record = output.resolve(TRAINING_JSON);
        if (!Files.isRegularFile(record) || !Files.isRegularFile(output.resolve(LanguageModel.WEIGHTS_FILE))) {
            return false;
        }
        try {
            JsonObject json = JsonParser.parseString(Files.readString(record, StandardCharsets.UTF_8)).getAsJsonObject();
            boolean same = json.has("fingerprint") && fingerprint.equals(json.get("fingerprint").getAsString());
            if (!same) {
                LOG.info("{} holds a run with other inputs; it will be replaced.", output);
            }
            return same;
        } catch (IOException | JsonParseException | IllegalStateException e) {
            LOG.warn("Cannot read {} ({}); the run will be repeated.", record, e.getMessage());
            return false;
        }
    }

    /** Describes every input that changes the result, in a fixed order, with file digests. */
    private static JsonObject describeInputs(FinetuneRequest request) {
        JsonObject inputs = new JsonObject();
        JsonObject model = new JsonObject();
        model.addProperty("path", request.model().toAbsolutePath().toString());
        model.addProperty("sha256", Sha256.ofPath(request.model()));
        inputs.add("model", model);
        if (request.tokenizer() != null) {
            JsonObject tokenizer = new JsonObject();
            tokenizer.addProperty("path", request.tokenizer().toAbsolutePath().toString());
            tokenizer.addProperty("sha256", Sha256.ofPath(request.tokenizer()));
            inputs.add("tokenizer", tokenizer);
        }

        JsonArray components = new JsonArray();
        for (MixtureComponent component : request.data().components()) {
            DataSource source = component.source();
            JsonObject json = new JsonObject();
            json.addProperty("name", component.name());
            json.addProperty("path", source.path().toAbsolutePath().toString());
            json.addProperty("sha256", Sha256.ofFile(source.path()));
            json.addProperty("format", source.format().name().toLowerCase(java.util.Locale.ROOT));
            json.addProperty("instruction_field", source.instructionField());
            json.addProperty("input_field", source.inputField().orElse(null));
            json.addProperty("response_field", source.responseField());
            JsonArray filters = new JsonArray();
            source.filters().forEach(filter -> filters.add(filter.toString()));
            json.add("filters", filters);
            source.range().ifPresent(range -> json.addProperty("range", range.toString()));
            source.limit().ifPresent(limit -> json.addProperty("limit", limit));
            source.seed().ifPresent(seed -> json.addProperty("seed", seed));
            json.addProperty("rows", component.size().toString());
            components.add(json);
        }
        JsonObject data = new JsonObject();
        data.add("components", components);
        data.addProperty("seed", request.data().seed());
        inputs.add("data", data);

        inputs.add("prompt_template", JsonParser.parseString(request.template().toJson()));
        inputs.addProperty("max_length", request.maxLength());
        inputs.add("training", TrainingConfigJson.toJson(request.training()));
        inputs.addProperty("dtype", request.dtype().name());
        inputs.addProperty("device", request.device().name().toLowerCase(java.util.Locale.ROOT));
        return inputs;
    }

    /**
     * Wall-clock figures of the steps trained in this process, kept out of {@code train-log.csv} so
     * that the log depends only on the inputs.
     *
     * @param resumedFrom the step this process started from; 0 when it did not resume
     * @param seconds time spent training in this process
     * @param tokens response tokens of the steps trained in this process
     */
    private record Timing(long resumedFrom, double seconds, long tokens) {

        Timing(long resumedFrom, List<StepLog> logs, double seconds) {
            this(resumedFrom, seconds, logs.stream().filter(log -> log.step() > resumedFrom)
                    .mapToLong(StepLog::tokens).sum());
        }
    }

    private static JsonObject trainingRecord(FinetuneRequest request, JsonObject inputs, String fingerprint,
            SftDataset dataset, List<StepLog> logs, Timing timing, long started) {
        JsonObject record = new JsonObject();
        record.addProperty("fingerprint", fingerprint);
        record.add("inputs", inputs);

        JsonObject results = new JsonObject();
        results.addProperty("examples", dataset.stats().examples());
        results.addProperty("kept", dataset.stats().kept());
        results.addProperty("truncated", dataset.stats().truncated());
        results.addProperty("dropped", dataset.stats().dropped());
        results.addProperty("tokens", dataset.stats().tokens());
        results.addProperty("steps", logs.size());
        results.addProperty("final_loss", logs.get(logs.size() - 1).loss());
        results.addProperty("seconds", Math.round((System.nanoTime() - started) / 1e6) / 1e3);
        results.addProperty("resumed_from_step", timing.resumedFrom());
        results.addProperty("training_seconds", Math.round(timing.seconds() * 1e3) / 1e3);
        results.addProperty("tokens_per_second", timing.seconds() > 0 ? Math.round(timing.tokens() / timing.seconds())
                : 0);
        record.add("results", results);

        JsonObject versions = new JsonObject();
        versions.addProperty("safety_spaces", TrainingEnvironment.projectVersion());
        versions.addProperty("djl", Engine.getDjlVersion());
        versions.addProperty("libtorch", Engines.pytorch().getVersion());
        versions.addProperty("java", System.getProperty("java.version"));
        record.add("versions", versions);
        record.addProperty("created", Instant.now().toString());
        return record;
    }
}
