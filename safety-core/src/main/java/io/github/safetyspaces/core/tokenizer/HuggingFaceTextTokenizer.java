package io.github.safetyspaces.core.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
import io.github.safetyspaces.core.engine.Engines;
import java.io.EOFException;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tokenizer read from a Hugging Face {@code tokenizer.json}, run by DJL's bundled tokenizers library
 * (DJL 0.36.0 bundles tokenizers 0.21.4) from a local file only, with truncation and padding off.
 *
 * <p>Encoding never applies the tokenizer's post-processor: it calls DJL's
 * {@code encode(text, false, false)} and puts {@link #bosId()} in front itself when asked. The
 * builder's {@code optAddSpecialTokens} default therefore plays no part, and templates that also
 * append EOS or other tokens do not apply. Special tokens written literally in the text (for example
 * {@code <s>}) still become their ids, as in transformers.
 *
 * <p>BOS and EOS are found by this rule, in order, reading the files beside {@code tokenizer.json}:
 * <ol>
 *   <li>{@code tokenizer_config.json}: {@code bos_token} / {@code eos_token}, a string or an object with
 *       {@code content};
 *   <li>{@code special_tokens_map.json}: the same keys;
 *   <li>{@code config.json}: {@code bos_token_id} / {@code eos_token_id}, an integer or a list whose
 *       first element is taken;
 *   <li>the special token that {@code tokenizer.json}'s post-processor puts before (BOS) or after (EOS)
 *       a single text, found by encoding a probe text with and without special tokens.
 * </ol>
 * The first file that has the key decides, and a {@code null} value there means the tokenizer has no
 * such token (Qwen2 sets {@code "bos_token": null}, for example).
 *
 * <p>Decoding calls DJL's {@code decode(ids, true)}, which skips every token that {@code tokenizer.json}
 * marks special. It does not apply transformers' {@code clean_up_tokenization_spaces}.
 */
public final class HuggingFaceTextTokenizer implements TextTokenizer {

    /** File name of the tokenizers library's serialized tokenizer. */
    public static final String TOKENIZER_JSON = "tokenizer.json";

    private static final Logger LOG = LoggerFactory.getLogger(HuggingFaceTextTokenizer.class);

    private static final String PROBE_TEXT = "a";

    /** Reads JSON values with the reader's own strictness, unlike {@code JsonParser.parseReader}. */
    private static final TypeAdapter<JsonElement> STRICT_ELEMENT_ADAPTER = new Gson().getAdapter(JsonElement.class);

    /**
     * Largest token id accepted, 2^24 - 1, far above the largest vocabularies in use (about 260,000
     * tokens). The token table has one slot per id up to the largest, so an id from a damaged file
     * must not size it.
     */
    static final int MAX_TOKEN_ID = (1 << 24) - 1;

    private final Path tokenizerJson;
    private final HuggingFaceTokenizer tokenizer;
    private final String[] tokensById;
    private final OptionalInt bosId;
    private final OptionalInt eosId;

    private HuggingFaceTextTokenizer(Path tokenizerJson, HuggingFaceTokenizer tokenizer, String[] tokensById,
            OptionalInt bosId, OptionalInt eosId) {
        this.tokenizerJson = tokenizerJson;
        this.tokenizer = tokenizer;
        this.tokensById = tokensById;
        this.bosId = bosId;
        this.eosId = eosId;
    }

    /**
     * Opens a Hugging Face tokenizer from a local {@code tokenizer.json}, never from the hub.
     *
     * @param tokenizerJsonOrDirectory a {@code tokenizer.json} file, or a directory that contains one
     * @return the tokenizer, to be closed to free the native tokenizer
     * @throws IllegalArgumentException if the file is missing, is not a valid tokenizer, or a config file
     *     names a BOS or EOS token that the vocabulary lacks
     * @throws UncheckedIOException if a file cannot be read
     */
    public static HuggingFaceTextTokenizer open(Path tokenizerJsonOrDirectory) {
        Objects.requireNonNull(tokenizerJsonOrDirectory, "tokenizerJsonOrDirectory");
        Engines.forceOffline();
        Path file = resolveTokenizerJson(tokenizerJsonOrDirectory);
        Vocabulary vocabulary = Vocabulary.read(file);
        checkPostProcessor(file, readStrictJsonObject(file).get("post_processor"));
        HuggingFaceTokenizer tokenizer = load(file);
        try {
            Probe probe = probe(tokenizer, file, vocabulary.tokensById().length);
            Path directory = file.toAbsolutePath().getParent();
            OptionalInt bos = specialTokenId(directory, vocabulary, "bos", probe.leadingSpecialId());
            OptionalInt eos = specialTokenId(directory, vocabulary, "eos", probe.trailingSpecialId());
            LOG.debug("Opened {} ({} tokens, BOS {}, EOS {})", file, vocabulary.tokensById().length, bos, eos);
            return new HuggingFaceTextTokenizer(file, tokenizer, vocabulary.tokensById(), bos, eos);
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if the tokenizers library fails on the text, for example a WordLevel
     *     model whose {@code unk_token} is missing from its vocabulary meets an unknown word, or returns an
     *     id outside {@link #vocabSize()}
     */
    @Override
    public int[] encode(String text, boolean addBos) {
        Objects.requireNonNull(text, "text");
        long[] ids;
        try {
            Encoding encoding = tokenizer.encode(text, false, false);
            ids = encoding.getIds();
        } catch (RuntimeException e) {
            throw new IllegalStateException("The tokenizers library failed to encode a text of " + text.length()
                    + " characters with " + tokenizerJson + ": " + e.getMessage(), e);
        }
        int offset = addBos && bosId.isPresent() ? 1 : 0;
        int[] result = new int[ids.length + offset];
        if (offset == 1) {
            result[0] = bosId.getAsInt();
        }
        for (int i = 0; i < ids.length; i++) {
            // NOTE: open does not compare the library's ids with tokenizer.json's. An added token whose id
            // another token already has gets a new id from the library, past this vocabulary.
            if (ids[i] < 0 || ids[i] >= tokensById.length) {
                throw new IllegalStateException("The tokenizers library encoded a text with the id " + ids[i]
                        + ", outside the " + tokensById.length + " ids of " + tokenizerJson + "; its added_tokens"
                        + " probably reuse ids of model.vocab.");
            }
            result[i + offset] = (int) ids[i];
        }
        return result;
    }

    /**
     * Decodes with the {@code tokenizer.json} decoder, skipping every special token. The Llama decoder
     * (with {@code Strip} of one leading space) removes the first leading space of the output whether or
     * not BOS precedes it.
     */
    @Override
    public String decode(int[] ids) {
        Objects.requireNonNull(ids, "ids");
        long[] wide = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            checkId(ids[i]);
            wide[i] = ids[i];
        }
        return tokenizer.decode(wide, true);
    }

    /** Returns one more than the highest id in the vocabulary or the added tokens. */
    @Override
    public int vocabSize() {
        return tokensById.length;
    }

    @Override
    public OptionalInt bosId() {
        return bosId;
    }

    @Override
    public OptionalInt eosId() {
        return eosId;
    }

    /** Returns the token's string in {@code tokenizer.json}, for example with U+2581 or Ġ for spaces. */
    @Override
    public String tokenText(int id) {
        checkId(id);
        String token = tokensById[id];
        if (token == null) {
            throw new IllegalArgumentException("Token id " + id + " is unused in " + tokenizerJson
                    + ": neither the model vocabulary nor the added tokens have it.");
        }
        return token;
    }

    /**
     * Returns the {@code tokenizer.json} file this tokenizer was read from.
     *
     * @return the resolved file path
     */
    public Path tokenizerJson() {
        return tokenizerJson;
    }

    /** Frees the native tokenizer. */
    @Override
    public void close() {
        tokenizer.close();
    }

    @Override
    public String toString() {
        return "HuggingFaceTextTokenizer[" + tokenizerJson + ", vocabSize=" + tokensById.length + "]";
    }

    private void checkId(int id) {
        if (id < 0 || id >= tokensById.length) {
            throw new IllegalArgumentException("Token id " + id + " is outside the vocabulary of "
                    + tokensById.length + " tokens of " + tokenizerJson + ".");
        }
    }

    // Loading.

    private static Path resolveTokenizerJson(Path path) {
        if (Files.isDirectory(path)) {
            Path file = path.resolve(TOKENIZER_JSON);
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("No " + TOKENIZER_JSON + " in the directory "
                        + path.toAbsolutePath() + "; pass a directory that has one, or the tokenizer file itself.");
            }
            return file;
        }
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("Tokenizer file not found: " + path.toAbsolutePath()
                    + "; pass a " + TOKENIZER_JSON + " file or the directory that contains it.");
        }
        return path;
    }

    private static HuggingFaceTokenizer load(Path file) {
        try {
            // A file path (not a directory) keeps DJL from reading tokenizer_config.json, whose
            // add_prefix_space and clean_up_tokenization_spaces it would apply on top of tokenizer.json.
            return HuggingFaceTokenizer.builder()
                    .optTokenizerPath(file.toAbsolutePath())
                    .optAddSpecialTokens(false)
                    .optTruncation(false)
                    .optPadding(false)
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to read the tokenizer file " + file.toAbsolutePath(), e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("The tokenizers library rejected " + file.toAbsolutePath() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Special tokens that the post-processor adds around a single text; -1 where it adds none. */
    private record Probe(int leadingSpecialId, int trailingSpecialId) {
    }

    private static Probe probe(HuggingFaceTokenizer tokenizer, Path file, int vocabSize) {
        Encoding plain;
        Encoding templated;
        try {
            plain = tokenizer.encode(PROBE_TEXT, false, false);
            templated = tokenizer.encode(PROBE_TEXT, true, false);
        } catch (RuntimeException e) {
            // The library loads some tokenizers that cannot encode at all, such as a WordLevel model whose
            // unk_token is missing from its vocabulary.
            throw new IllegalArgumentException("The tokenizers library loaded " + file.toAbsolutePath()
                    + " but cannot encode the text \"" + PROBE_TEXT + "\" with it: " + e.getMessage(), e);
        }
        long[] ids = templated.getIds();
        long[] mask = templated.getSpecialTokenMask();
        if (ids.length <= plain.getIds().length) {
            return new Probe(-1, -1);
        }
        int leading = mask[0] == 1 ? Math.toIntExact(ids[0]) : -1;
        int trailing = mask[ids.length - 1] == 1 ? Math.toIntExact(ids[ids.length - 1]) : -1;
        for (int id : new int[] {leading, trailing}) {
            if (id >= vocabSize) {
                throw new IllegalArgumentException("The post-processor of " + file.toAbsolutePath() + " adds the"
                        + " special token id " + id + ", outside the vocabulary of " + vocabSize + " tokens.");
            }
        }
        return new Probe(leading, trailing);
    }

    /**
     * Checks that every special token a {@code TemplateProcessing} template names is a key of its
     * {@code special_tokens}, and that each key equals its entry's {@code id}. tokenizers 0.21.4 accepts
     * a file that breaks this, then panics on the first encode with special tokens, which aborts the JVM.
     * Processors nested in a {@code Sequence} are checked too.
     *
     * <p>NOTE: this covers the two forms of that panic that fuzzing found, not every input that makes
     * the native library panic.
     */
    private static void checkPostProcessor(Path file, JsonElement processor) {
        if (processor == null || !processor.isJsonObject()) {
            return;
        }
        // The library reads post-processors as an untagged enum, so a wrong "type" does not stop an object
        // with templates from loading as TemplateProcessing: the fields decide here, not the type.
        JsonObject object = processor.getAsJsonObject();
        if (object.get("processors") != null && object.get("processors").isJsonArray()) {
            for (JsonElement nested : object.getAsJsonArray("processors")) {
                checkPostProcessor(file, nested);
            }
        }

        // Keys of special_tokens, each equal to its entry's id.
        JsonElement specialTokens = object.get("special_tokens");
        Map<String, JsonElement> entries = specialTokens != null && specialTokens.isJsonObject()
                ? specialTokens.getAsJsonObject().asMap() : Map.of();
        for (Map.Entry<String, JsonElement> entry : entries.entrySet()) {
            JsonElement id = entry.getValue().isJsonObject() ? entry.getValue().getAsJsonObject().get("id") : null;
            if (!isString(id) || !id.getAsString().equals(entry.getKey())) {
                throw invalid(file, "post_processor.special_tokens has the key \"" + entry.getKey()
                        + "\" for the entry " + entry.getValue() + ", whose id must equal the key");
            }
        }

        // Special tokens named in the templates.
        for (String template : new String[] {"single", "pair"}) {
            JsonElement pieces = object.get(template);
            if (pieces == null || !pieces.isJsonArray()) {
                continue;
            }
            for (JsonElement piece : pieces.getAsJsonArray()) {
                JsonElement special = piece.isJsonObject() ? piece.getAsJsonObject().get("SpecialToken") : null;
                JsonElement id = special != null && special.isJsonObject() ? special.getAsJsonObject().get("id") : null;
                if (isString(id) && !entries.containsKey(id.getAsString())) {
                    throw invalid(file, "post_processor." + template + " names the special token \""
                            + id.getAsString() + "\", which post_processor.special_tokens lacks");
                }
            }
        }
    }

    private static OptionalInt specialTokenId(Path directory, Vocabulary vocabulary, String role, int probed) {
        String tokenKey = role + "_token";
        for (String configName : new String[] {"tokenizer_config.json", "special_tokens_map.json"}) {
            Optional<JsonObject> config = readJsonObject(directory.resolve(configName));
            if (config.isPresent() && config.get().has(tokenKey)) {
                Optional<String> token = tokenContent(config.get().get(tokenKey), directory.resolve(configName),
                        tokenKey);
                if (token.isEmpty()) {
                    return OptionalInt.empty();
                }
                Integer id = vocabulary.idsByToken().get(token.get());
                if (id == null) {
                    throw new IllegalArgumentException(configName + " in " + directory + " names " + tokenKey
                            + " \"" + token.get() + "\", which " + TOKENIZER_JSON + " lacks; fix the config file.");
                }
                return OptionalInt.of(id);
            }
        }

        String idKey = role + "_token_id";
        Optional<JsonObject> modelConfig = readJsonObject(directory.resolve("config.json"));
        if (modelConfig.isPresent() && modelConfig.get().has(idKey)) {
            JsonElement value = modelConfig.get().get(idKey);
            if (value.isJsonArray()) {
                JsonArray list = value.getAsJsonArray();
                value = list.isEmpty() ? null : list.get(0);
            }
            if (value == null || value.isJsonNull()) {
                return OptionalInt.empty();
            }
            if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
                throw new IllegalArgumentException("config.json in " + directory + " sets " + idKey + " = " + value
                        + ", but a token id must be an integer.");
            }
            int id;
            try {
                id = value.getAsBigDecimal().intValueExact();
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("config.json in " + directory + " sets " + idKey + " = " + value
                        + ", but a token id must be an integer.", e);
            }
            if (id < 0 || id >= vocabulary.tokensById().length) {
                throw new IllegalArgumentException("config.json in " + directory + " sets " + idKey + " = " + id
                        + ", outside the tokenizer's " + vocabulary.tokensById().length + " tokens.");
            }
            return OptionalInt.of(id);
        }

        return probed >= 0 ? OptionalInt.of(probed) : OptionalInt.empty();
    }

    /** Reads a token written as a string or as an object with {@code content}; empty for null. */
    private static Optional<String> tokenContent(JsonElement value, Path file, String key) {
        if (value == null || value.isJsonNull()) {
            return Optional.empty();
        }
        JsonElement content = value.isJsonObject() ? value.getAsJsonObject().get("content") : value;
        if (content == null || !content.isJsonPrimitive() || !content.getAsJsonPrimitive().isString()) {
            throw new IllegalArgumentException("Invalid " + key + " in " + file + ": " + value + "; write it as a"
                    + " string, an object with a string content, or null.");
        }
        return Optional.of(content.getAsString());
    }

    private static Optional<JsonObject> readJsonObject(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            JsonElement root = JsonParser.parseReader(reader);
            if (!root.isJsonObject()) {
                throw new IllegalArgumentException("Invalid JSON file " + file + ": expected an object at the top.");
            }
            return Optional.of(root.getAsJsonObject());
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to read " + file, e);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("Invalid JSON in " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads {@code tokenizer.json} as strict JSON (RFC 8259), as the tokenizers library's serde_json parser
     * does. Input that this parser accepts and serde_json rejects must not reach the library, because
     * tokenizers 0.21.4 unwraps some of serde_json's errors (a control character in a string inside
     * {@code decoder}, for one), and the resulting panic aborts the JVM.
     */
    private static JsonObject readStrictJsonObject(Path file) {
        JsonElement root;
        try (JsonReader json = new JsonReader(Files.newBufferedReader(file, StandardCharsets.UTF_8))) {
            json.setStrictness(Strictness.STRICT);
            root = STRICT_ELEMENT_ADAPTER.read(json);
            if (json.peek() != JsonToken.END_DOCUMENT) {
                throw new IllegalArgumentException("Invalid JSON in " + file + ": text follows the top-level object.");
            }
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("Invalid tokenizer file " + file + ": it is not valid UTF-8 (" + e
                    + "); save it as UTF-8.", e);
        } catch (MalformedJsonException | EOFException e) {
            throw new IllegalArgumentException("Invalid JSON in " + file + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to read " + file, e);
        }
        if (!root.isJsonObject()) {
            throw new IllegalArgumentException("Invalid JSON file " + file + ": expected an object at the top.");
        }
        return root.getAsJsonObject();
    }

    private static boolean isString(JsonElement value) {
        return value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isString();
    }

    private static IllegalArgumentException invalid(Path file, String problem) {
        return new IllegalArgumentException("Invalid tokenizer file " + file + ": " + problem + ".");
    }

    /**
     * Token strings of a {@code tokenizer.json}: the model vocabulary (an object for BPE, WordPiece and
     * WordLevel, a list of {@code [piece, score]} for Unigram) overlaid with the added tokens.
     */
    private record Vocabulary(String[] tokensById, Map<String, Integer> idsByToken) {

        static Vocabulary read(Path file) {
            JsonObject root = readStrictJsonObject(file);
            JsonElement model = root.get("model");
            JsonElement vocab = model != null && model.isJsonObject() ? model.getAsJsonObject().get("vocab") : null;
            if (vocab == null || !(vocab.isJsonObject() || vocab.isJsonArray())) {
                throw invalid(file, "it has no model.vocab object or list");
            }

            // Model vocabulary first, then the added tokens, which win where both use an id or a string.
            Map<String, Integer> ids = new LinkedHashMap<>();
            if (vocab.isJsonObject()) {
                for (Map.Entry<String, JsonElement> entry : vocab.getAsJsonObject().entrySet()) {
                    ids.put(entry.getKey(), tokenId(file, "model.vocab \"" + entry.getKey() + "\"", entry.getValue()));
                }
            } else {
                JsonArray pieces = vocab.getAsJsonArray();
                for (int id = 0; id < pieces.size(); id++) {
                    JsonElement piece = pieces.get(id);
                    JsonElement text = piece.isJsonArray() && !piece.getAsJsonArray().isEmpty()
                            ? piece.getAsJsonArray().get(0) : null;
                    if (!isString(text)) {
                        throw invalid(file, "model.vocab[" + id + "] is " + piece + " but must be [piece, score]");
                    }
                    ids.put(text.getAsString(), id);
                }
            }
            JsonElement added = root.get("added_tokens");
            if (added != null && added.isJsonArray()) {
                JsonArray tokens = added.getAsJsonArray();
                for (int i = 0; i < tokens.size(); i++) {
                    JsonElement token = tokens.get(i);
                    JsonElement content = token.isJsonObject() ? token.getAsJsonObject().get("content") : null;
                    if (!isString(content)) {
                        throw invalid(file, "added_tokens[" + i + "] has no string content: " + token);
                    }
                    String text = content.getAsString();
                    int id = tokenId(file, "added token \"" + text + "\"", token.getAsJsonObject().get("id"));
                    ids.remove(text);
                    ids.put(text, id);
                }
            }

            // The ids were bounded above, so this array has at most MAX_TOKEN_ID + 1 (2^24) entries.
            int size = 0;
            for (int id : ids.values()) {
                size = Math.max(size, id + 1);
            }
            String[] tokens = new String[size];
            ids.forEach((token, id) -> tokens[id] = token);
            return new Vocabulary(tokens, ids);
        }

        /** Reads a token id, which must be an integer in {@code [0, MAX_TOKEN_ID]}. */
        private static int tokenId(Path file, String where, JsonElement value) {
            if (value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()) {
                try {
                    int id = value.getAsBigDecimal().intValueExact();
                    if (id >= 0 && id <= MAX_TOKEN_ID) {
                        return id;
                    }
                } catch (ArithmeticException | NumberFormatException e) {
                    // Not an integer in the int range: reported below with the value.
                }
            }
            throw invalid(file, where + " has the id " + value + ", but ids must be integers from 0 to "
                    + MAX_TOKEN_ID);
        }
    }
}
