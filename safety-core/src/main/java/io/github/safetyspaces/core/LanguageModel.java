package io.github.safetyspaces.core;

import ai.djl.ndarray.types.DataType;
import io.github.safetyspaces.core.checkpoint.SafetensorsDType;
import io.github.safetyspaces.core.checkpoint.SafetensorsWriter;
import io.github.safetyspaces.core.checkpoint.ShardedCheckpoint;
import io.github.safetyspaces.core.checkpoint.TensorSource;
import io.github.safetyspaces.core.engine.ComputeDevice;
import io.github.safetyspaces.core.llama2c.Llama2cCheckpoint;
import io.github.safetyspaces.core.model.Completion;
import io.github.safetyspaces.core.model.DecoderModel;
import io.github.safetyspaces.core.model.GenerationOptions;
import io.github.safetyspaces.core.model.Generator;
import io.github.safetyspaces.core.model.ModelConfig;
import io.github.safetyspaces.core.model.ModelConfigJson;
import io.github.safetyspaces.core.tokenizer.HuggingFaceTextTokenizer;
import io.github.safetyspaces.core.tokenizer.Llama2cTokenizer;
import io.github.safetyspaces.core.tokenizer.TextTokenizer;
import io.github.safetyspaces.core.tokenizer.TokenizerJsonWriter;
import io.github.safetyspaces.core.tokenizer.TextTokenizers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A decoder together with its tokenizer, loaded from a Hugging Face checkpoint directory or a
 * llama2.c {@code .bin} file: the entry point for code that works with text.
 */
public final class LanguageModel implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LanguageModel.class);

    /** Name of the weights file of a single-file checkpoint. */
    public static final String WEIGHTS_FILE = "model.safetensors";

    /** Files of a Hugging Face tokenizer that travel with a saved checkpoint, when present. */
    private static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json", "tokenizer.model", "generation_config.json");

    private final DecoderModel decoder;
    private final TextTokenizer tokenizer;

    private LanguageModel(DecoderModel decoder, TextTokenizer tokenizer) {
        this.decoder = decoder;
        this.tokenizer = tokenizer;
    }

    /**
     * Loads a model and its tokenizer.
     *
     * @param model a Hugging Face directory ({@code config.json}, {@code model.safetensors} or a
     *     sharded index, {@code tokenizer.json}) or a llama2.c {@code .bin} checkpoint
     * @param tokenizer the tokenizer file; required for a llama2.c checkpoint (its {@code tokenizer.bin}),
     *     optional for a directory, which then uses its own {@code tokenizer.json}
     * @param device where the weights go
     * @return the loaded model; close it to free its weights and tokenizer
     * @throws IllegalArgumentException if a path is missing or of the wrong kind, or the weights do not
     *     match the configuration
     */
    public static LanguageModel open(Path model, Path tokenizer, ComputeDevice device) {
        long started = System.nanoTime();
        ModelConfig config;
        TensorSource weights;
        if (Files.isDirectory(model)) {
            config = ModelConfigJson.read(model);
            weights = ShardedCheckpoint.open(model);
        } else if (Files.isRegularFile(model) && model.getFileName().toString().endsWith(".bin")) {
            if (tokenizer == null) {
                throw new IllegalArgumentException("The llama2.c checkpoint " + model
                        + " needs its tokenizer file: set the tokenizer (-Dsafety.tokenizer=PATH, for example tok512.bin).");
            }
            Llama2cCheckpoint checkpoint = Llama2cCheckpoint.read(model);
            config = checkpoint.config();
            weights = checkpoint.tensors();
        } else {
            throw new IllegalArgumentException("Model path " + model + " is neither a checkpoint directory"
                    + " (config.json with safetensors files) nor a llama2.c .bin file.");
        }

        TextTokenizer textTokenizer = TextTokenizers.open(model, tokenizer, config.vocabSize());
        try (TensorSource source = weights) {
            DecoderModel decoder = DecoderModel.load(config, source, device.toDjl(), DataType.FLOAT32);
            LOG.info("Loaded {} ({}, {} parameters) in {} ms", model, config.architecture().className(),
                    config.parameterCount(), (System.nanoTime() - started) / 1_000_000);
            return new LanguageModel(decoder, textTokenizer);
        } catch (RuntimeException e) {
            textTokenizer.close();
            throw e;
        }
    }

    /** Returns the decoder. */
    public DecoderModel decoder() {
        return decoder;
    }

    /** Returns the tokenizer. */
    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    /** Returns the model configuration. */
    public ModelConfig config() {
        return decoder.config();
    }

    /**
     * Encodes a prompt as the model expects it: BOS first when the model has one.
     *
     * @param prompt the text; may be empty when the model has a BOS token
     * @return token ids
     */
    public int[] encodePrompt(String prompt) {
        boolean addBos = config().bosTokenId() != null || tokenizer.bosId().isPresent();
        int[] ids = tokenizer.encode(prompt, addBos);
        if (ids.length == 0) {
            throw new IllegalArgumentException("The prompt is empty and the model has no BOS token to start from.");
        }
        return ids;
    }

    /**
     * Generates completions of text prompts.
     *
     * @param prompts the prompts; an empty prompt starts from BOS
     * @param options decoding settings
     * @return one completion per prompt, in order
     */
    public List<Completion> complete(List<String> prompts, GenerationOptions options) {
        List<int[]> encoded = new ArrayList<>(prompts.size());
        for (String prompt : prompts) {
            encoded.add(encodePrompt(prompt));
        }
        Set<Integer> eos = new HashSet<>(config().eosTokenIds());
        tokenizer.eosId().ifPresent(eos::add);
        return new Generator(decoder, eos, this::decodeContinuation).generate(encoded, options);
    }

    /**
     * Decodes generated ids as the continuation of their prompt: the text of prompt and completion
     * together, less the text of the prompt. Decoding the completion alone would differ between
     * tokenizers in the first space (sentencepiece decoders drop a leading space only at the start
     * of a text) and would break a character whose UTF-8 bytes straddle the prompt's end.
     *
     * @param prompt the prompt's ids
     * @param generated the ids generated after it
     * @return the completion's text
     */
    public String decodeContinuation(int[] prompt, int[] generated) {
        int[] all = Arrays.copyOf(prompt, prompt.length + generated.length);
        System.arraycopy(generated, 0, all, prompt.length, generated.length);
        String promptText = tokenizer.decode(prompt);
        String fullText = tokenizer.decode(all);
        return fullText.startsWith(promptText) ? fullText.substring(promptText.length()) : tokenizer.decode(generated);
    }

    /**
     * Writes the model as a Hugging Face checkpoint into an existing, empty directory:
     * {@code config.json}, {@code model.safetensors} and the tokenizer files. A llama2.c tokenizer
     * is converted to {@code tokenizer.json}; a Hugging Face tokenizer's files are copied.
     *
     * <p>Callers that need the directory to appear only when complete write into the temporary
     * directory of {@link io.github.safetyspaces.core.checkpoint.AtomicDirectory}.
     *
     * @param directory the target directory
     * @param dtype {@link SafetensorsDType#F32} or {@link SafetensorsDType#BF16}
     */
    public void save(Path directory, SafetensorsDType dtype) {
        String torchDtype = dtype == SafetensorsDType.BF16 ? "bfloat16" : "float32";
        try {
            Files.writeString(directory.resolve(ModelConfigJson.FILE_NAME),
                    ModelConfigJson.toJson(config().withTorchDtype(torchDtype)), StandardCharsets.UTF_8);
            SafetensorsWriter.write(directory.resolve(WEIGHTS_FILE), decoder.asTensorSource(), dtype,
                    Map.of("format", "pt"));
            if (tokenizer instanceof Llama2cTokenizer llama2c) {
                TokenizerJsonWriter.writeDirectory(llama2c, directory);
            } else if (tokenizer instanceof HuggingFaceTextTokenizer huggingFace) {
                Path source = huggingFace.tokenizerJson().getParent();
                for (String name : TOKENIZER_FILES) {
                    if (Files.isRegularFile(source.resolve(name))) {
                        Files.copy(source.resolve(name), directory.resolve(name));
                    }
                }
            } else {
                throw new IllegalStateException("Cannot save a tokenizer of type " + tokenizer.getClass().getName());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the checkpoint into " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Frees the weights and the tokenizer. */
    @Override
    public void close() {
        try {
            decoder.close();
        } finally {
            tokenizer.close();
        }
    }
}
