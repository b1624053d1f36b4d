package io.github.safetyspaces.core;

import ai.djl.ndarray.types.DataType;
import io.github.safetyspaces.core.checkpoint.SafetensorsDType;
import io.github.safetyspaces.core.checkpoint.SafetensorsWriter;
import io.github.safetyspaces.core.checkpoint.ShardedCheckpoint;
import io.github.safetyspaces.core.data.PromptTemplate;
import io.github.safetyspaces.core.checkpoint.TensorSource;
import io.github.safetyspaces.core.engine.ComputeDevice;
import io.github.safetyspaces.core.io.AtomicFiles;
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
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A decoder together with its tokenizer, loaded from a Hugging Face checkpoint directory or a
 * llama2.c {@code .bin} file: the entry point for code that works with text.
 */
public final class LanguageModel implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LanguageModel.class);

    /** Prompt tokens decoded with a completion to get its first space and characters right. */
    private static final int CONTEXT_TOKENS = 16;

    /** Name of the weights file of a single-file checkpoint. */
    public static final String WEIGHTS_FILE = "model.safetensors";

    /** Files of a Hugging Face tokenizer that travel with a saved checkpoint, when present. */
    private static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json", "tokenizer.model", "generation_config.json");

    private final DecoderModel decoder;
    private final TextTokenizer tokenizer;
    private final PromptTemplate recordedTemplate;
    private final boolean ownsTokenizer;

    private LanguageModel(DecoderModel decoder, TextTokenizer tokenizer, PromptTemplate recordedTemplate,
            boolean ownsTokenizer) {
        this.decoder = decoder;
        this.tokenizer = tokenizer;
        this.recordedTemplate = recordedTemplate;
        this.ownsTokenizer = ownsTokenizer;
    }

    /**
     * Loads other weights of the same architecture into a new model that shares this model's
     * tokenizer, template and device, for example a projected variant. Closing it frees only its
     * weights.
     *
     * @param weights tensors with this model's names and shapes
     * @return the new model
     */
    public LanguageModel withWeights(TensorSource weights) {
        DecoderModel other = DecoderModel.load(config(), weights, decoder.manager().getDevice(), decoder.dataType());
        return new LanguageModel(other, tokenizer, recordedTemplate, false);
    }

    /**
     * Opens the weights of a checkpoint directory or a llama2.c {@code .bin} file as named tensors,
     * without loading a model.
     *
     * @param model the checkpoint
     * @return its tensors with Hugging Face names; close them when done
     */
    public static TensorSource openWeights(Path model) {
        if (Files.isDirectory(model)) {
            return ShardedCheckpoint.open(model);
        }
        if (Files.isRegularFile(model) && model.getFileName().toString().endsWith(".bin")) {
            return Llama2cCheckpoint.read(model).tensors();
        }
        throw new IllegalArgumentException("Model not found: " + model.toAbsolutePath()
                + "; expected a checkpoint directory or a llama2.c .bin file.");
    }

    /**
     * Loads a model and its tokenizer.
     *
     * @param model a Hugging Face directory ({@code config.json}, {@code model.safetensors} or a
     *     sharded index, {@code tokenizer.json}) or a llama2.c {@code .bin} checkpoint
     * @param tokenizer the tokenizer file, or null: a directory then uses its own {@code tokenizer.json},
     *     and a llama2.c checkpoint the {@code tokenizer.bin} or {@code tok<vocab>.bin} beside it
     * @param device where the weights go
     * @return the loaded model; close it to free its weights and tokenizer
     * @throws IllegalArgumentException if a path is missing or of the wrong kind, or the weights do not
     *     match the configuration
     */
    public static LanguageModel open(Path model, Path tokenizer, ComputeDevice device) {
        long started = System.nanoTime();
        if (!Files.exists(model)) {
            throw new IllegalArgumentException("Model not found: " + model.toAbsolutePath()
                    + "; set the model (-Dsafety.model=PATH) to a checkpoint directory or a llama2.c .bin file.");
        }
        boolean llama2c = Files.isRegularFile(model) && model.getFileName().toString().endsWith(".bin");
        if (!llama2c && !Files.isDirectory(model)) {
            throw new IllegalArgumentException("Model path " + model + " is neither a checkpoint directory"
                    + " (config.json with safetensors files) nor a llama2.c .bin file.");
        }

        // Configuration first: the tokenizer needs the vocabulary size, and a bad config fails fast.
        Llama2cCheckpoint checkpoint = llama2c ? Llama2cCheckpoint.read(model) : null;
        ModelConfig config = llama2c ? checkpoint.config() : ModelConfigJson.read(model);
        TextTokenizer textTokenizer = TextTokenizers.open(model, tokenizer, config.vocabSize());
        try (TensorSource weights = llama2c ? checkpoint.tensors() : ShardedCheckpoint.open(model)) {
            DecoderModel decoder = DecoderModel.load(config, weights, device.toDjl(), DataType.FLOAT32);
            LOG.info("Loaded {} ({}, {} parameters) in {} ms", model, config.architecture().className(),
                    config.parameterCount(), (System.nanoTime() - started) / 1_000_000);
            return new LanguageModel(decoder, textTokenizer, llama2c ? null : readTemplate(model), true);
        } catch (RuntimeException e) {
            textTokenizer.close();
            throw e;
        }
    }

    private static PromptTemplate readTemplate(Path directory) {
        Path file = directory.resolve(PromptTemplate.FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return PromptTemplate.fromJson(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the prompt template " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Returns the prompt template the model was fine-tuned with, recorded in its checkpoint as
     * {@code prompt_template.json}.
     *
     * @return the template, or empty when the checkpoint records none
     */
    public Optional<PromptTemplate> recordedTemplate() {
        return Optional.ofNullable(recordedTemplate);
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
        int[] ids = tokenizer.encode(prompt, true); // BOS only when the tokenizer has one

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
        int tokenCount = Math.min(tokenizer.vocabSize(), config().vocabSize());
        return new Generator(decoder, eos, this::decodeContinuation, tokenCount).generate(encoded, options);
    }

    /**
     * Decodes generated ids as the continuation of their prompt: the text of the prompt's last
     * tokens and the completion together, less the text of those prompt tokens. Decoding the
     * completion alone would differ between tokenizers in the first space (sentencepiece decoders
     * drop a leading space only at the start of a text) and would break a character whose UTF-8
     * bytes straddle the prompt's end (such a character is returned whole, as part of the
     * completion). A tail of {@value #CONTEXT_TOKENS} prompt tokens is enough for both, and keeps the
     * cost per call independent of the prompt's length.
     *
     * @param prompt the prompt's ids
     * @param generated the ids generated after it
     * @return the completion's text
     */
    public String decodeContinuation(int[] prompt, int[] generated) {
        int contextStart = Math.max(0, prompt.length - CONTEXT_TOKENS);
        int contextLength = prompt.length - contextStart;
        int[] context = Arrays.copyOfRange(prompt, contextStart, prompt.length);
        int[] all = Arrays.copyOf(context, contextLength + generated.length);
        System.arraycopy(generated, 0, all, contextLength, generated.length);
        String contextText = tokenizer.decode(context);
        String fullText = tokenizer.decode(all);
        // Where the texts first differ, the completion starts: a character whose bytes began in the
        // prompt decodes as U+FFFD in the context alone and whole in the full text, so it belongs to the completion.
        int common = 0;
        while (common < contextText.length() && common < fullText.length()
                && contextText.charAt(common) == fullText.charAt(common)) {
            common++;
        }
        return fullText.substring(common);
    }

    /**
     * Writes the model as a Hugging Face checkpoint into an existing, empty directory:
     * {@code config.json}, {@code model.safetensors}, the tokenizer files and the recorded prompt
     * template, if any. A llama2.c tokenizer is converted to {@code tokenizer.json}; a Hugging Face
     * tokenizer's files are copied.
     *
     * <p>Callers that need the directory to appear only when complete write into the temporary
     * directory of {@link io.github.safetyspaces.core.checkpoint.AtomicDirectory}.
     *
     * @param directory the target directory
     * @param dtype {@link SafetensorsDType#F32} or {@link SafetensorsDType#BF16}
     */
    public void save(Path directory, SafetensorsDType dtype) {
        writeWeights(directory, config(), decoder.asTensorSource(), dtype);
        if (recordedTemplate != null) {
            AtomicFiles.writeString(directory.resolve(PromptTemplate.FILE_NAME), recordedTemplate.toJson());
        }
        if (tokenizer instanceof Llama2cTokenizer llama2c) {
            TokenizerJsonWriter.writeDirectory(llama2c, directory);
        } else if (tokenizer instanceof HuggingFaceTextTokenizer huggingFace) {
            Path source = huggingFace.tokenizerJson().getParent();
            try {
                for (String name : TOKENIZER_FILES) {
                    if (Files.isRegularFile(source.resolve(name))) {
                        Files.copy(source.resolve(name), directory.resolve(name));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot copy the tokenizer files of " + source + " into " + directory
                        + ": " + e.getMessage(), e);
            }
        } else {
            throw new IllegalStateException("Cannot save a tokenizer of type " + tokenizer.getClass().getName());
        }
    }

    /**
     * Writes {@code config.json} and {@code model.safetensors} of a checkpoint, with the
     * {@code torch_dtype} that matches the stored weights and the {@code format: pt} metadata that
     * transformers requires.
     *
     * @param directory an existing directory
     * @param config the model configuration
     * @param weights the tensors, streamed one at a time
     * @param dtype {@link SafetensorsDType#F32} or {@link SafetensorsDType#BF16}
     */
    public static void writeWeights(Path directory, ModelConfig config, TensorSource weights, SafetensorsDType dtype) {
        if (dtype != SafetensorsDType.F32 && dtype != SafetensorsDType.BF16) {
            throw new IllegalArgumentException("Unsupported weight type " + dtype + ": use F32 or BF16.");
        }
        String torchDtype = dtype == SafetensorsDType.BF16 ? "bfloat16" : "float32";
        AtomicFiles.writeString(directory.resolve(ModelConfigJson.FILE_NAME),
                ModelConfigJson.toJson(config.withTorchDtype(torchDtype)));
        SafetensorsWriter.write(directory.resolve(WEIGHTS_FILE), weights, dtype, Map.of("format", "pt"));
    }

    /** Frees the weights and the tokenizer. */
    @Override
    public void close() {
        try {
            decoder.close();
        } finally {
            if (ownsTokenizer) {
                tokenizer.close();
            }
        }
    }
}
