package io.github.safetyspaces.core.tokenizer;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.github.safetyspaces.core.io.AtomicFiles;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a {@link Llama2cTokenizer}'s vocabulary as a Hugging Face tokenizer directory
 * ({@code tokenizer.json}, {@code tokenizer_config.json}, {@code special_tokens_map.json}) in the form
 * Hugging Face uses for sentencepiece BPE Llama tokenizers, so that transformers can load it as a
 * {@code LlamaTokenizerFast} and DJL's {@code HuggingFaceTokenizer} can load it too.
 *
 * <p>The {@code tokenizer.json} pipeline reproduces {@code run.c}'s encoding:
 * <ul>
 *   <li>normalizer: {@code Prepend("▁")} for the dummy prefix, which the tokenizers library skips on
 *       an empty text as {@code run.c} does, then {@code Replace(" ", "▁")};
 *   <li>no pre-tokenizer, so the whole text is one BPE word, as in {@code run.c};
 *   <li>model: BPE with {@code byte_fallback} (a character missing from the vocabulary becomes its
 *       {@code <0xNN>} byte tokens) and one merge per pair of tokens whose concatenation is a token;
 *   <li>post-processor: {@code TemplateProcessing} that puts {@code <s>} (id 1) first;
 *   <li>decoder: {@code Replace("▁", " ")}, {@code ByteFallback}, {@code Fuse}, then {@code Strip} of
 *       one leading space.
 * </ul>
 * DJL 0.36.0 bundles tokenizers 0.21.4, which supports all of these components.
 *
 * <p>Merge order: the tokenizers BPE model repeatedly applies the best-ranked merge present, the
 * leftmost on equal rank, while {@code run.c} applies the merge whose result has the highest score,
 * the leftmost on equal score. Merges are therefore ranked by the merged token's score, highest
 * first. Ties remain between the splits of one token, which are ranked by the length of the left part
 * (shortest first), and between distinct tokens of equal score, which are ranked by id.
 *
 * <p>NOTE: ranks are static, so the two encoders can still differ where two merges of equal score apply
 * to one text at once and the order changes the result. That needs distinct tokens of equal score
 * (logged as a warning) or two splits of one token that interact. The tests find no difference on a
 * corpus for the 512-token stories260K vocabulary, which has no equal scores among merged tokens. The
 * Hugging Face tokenizer also turns the literal texts {@code <unk>}, {@code <s>} and {@code </s>} and
 * the character U+2581 into tokens of their own, where {@code run.c} splits them into characters.
 */
public final class TokenizerJsonWriter {

    /** File name of the tokenizers library's serialized tokenizer. */
    public static final String TOKENIZER_JSON = "tokenizer.json";

    /** File name of transformers' tokenizer settings. */
    public static final String TOKENIZER_CONFIG_JSON = "tokenizer_config.json";

    /** File name of transformers' map from special-token roles to tokens. */
    public static final String SPECIAL_TOKENS_MAP_JSON = "special_tokens_map.json";

    /** Sentencepiece's word-boundary marker, which the llama2.c format stores as a plain space. */
    public static final String WORD_BOUNDARY = "\u2581";

    /** Hugging Face name of the unknown token (id 0). */
    public static final String UNK_TOKEN = "<unk>";

    /** Hugging Face name of the BOS token (id 1), which the llama2.c file stores as {@code "\n<s>\n"}. */
    public static final String BOS_TOKEN = "<s>";

    /** Hugging Face name of the EOS token (id 2), which the llama2.c file stores as {@code "\n</s>\n"}. */
    public static final String EOS_TOKEN = "</s>";

    private static final Logger LOG = LoggerFactory.getLogger(TokenizerJsonWriter.class);

    private static final Gson GSON = new GsonBuilder()
            .setPrettyPrinting()
            .disableHtmlEscaping()
            .serializeNulls()
            .create();

    private TokenizerJsonWriter() {
    }

    /**
     * One BPE merge: the tokens {@code leftId} and {@code rightId} join into {@code mergedId}.
     *
     * @param leftId id of the left token
     * @param rightId id of the right token
     * @param mergedId id of the token whose string is the two strings concatenated
     */
    record Merge(int leftId, int rightId, int mergedId) {
    }

    /**
     * Writes {@code tokenizer.json}, {@code tokenizer_config.json} and {@code special_tokens_map.json}
     * into a directory, creating it if needed, as one group ({@link AtomicFiles#writeGroup}): when
     * {@code tokenizer.json} exists, the other two files of the same write exist beside it.
     *
     * @param tokenizer the llama2.c tokenizer to convert
     * @param directory the output directory
     * @return the path of the written {@code tokenizer.json}
     * @throws IllegalArgumentException if the vocabulary cannot be expressed as a Hugging Face BPE
     *     vocabulary (duplicate token strings, or a token containing U+2581)
     * @throws UncheckedIOException if a file cannot be written
     */
    public static Path writeDirectory(Llama2cTokenizer tokenizer, Path directory) {
        Objects.requireNonNull(tokenizer, "tokenizer");
        Objects.requireNonNull(directory, "directory");
        String tokenizerJson = tokenizerJson(tokenizer);
        createDirectories(directory);
        Path tokenizerFile = directory.resolve(TOKENIZER_JSON);
        Map<Path, String> files = new LinkedHashMap<>();
        files.put(tokenizerFile, tokenizerJson);
        files.put(directory.resolve(TOKENIZER_CONFIG_JSON), GSON.toJson(tokenizerConfig()));
        files.put(directory.resolve(SPECIAL_TOKENS_MAP_JSON), GSON.toJson(specialTokensMap()));
        AtomicFiles.writeGroup(files);
        LOG.info("Wrote the Hugging Face tokenizer for {} ({} tokens) to {}", tokenizer.source(),
                tokenizer.vocabSize(), directory);
        return tokenizerFile;
    }

    /**
     * Writes only {@code tokenizer.json}, replacing the file atomically (temporary file, then rename).
     *
     * @param tokenizer the llama2.c tokenizer to convert
     * @param file the output file
     * @throws IllegalArgumentException if the vocabulary cannot be expressed as a Hugging Face BPE
     *     vocabulary
     * @throws UncheckedIOException if the file cannot be written
     */
    public static void writeTokenizerJson(Llama2cTokenizer tokenizer, Path file) {
        Objects.requireNonNull(tokenizer, "tokenizer");
        Objects.requireNonNull(file, "file");
        String json = tokenizerJson(tokenizer);
        Path parent = file.toAbsolutePath().getParent();
        createDirectories(parent);
        AtomicFiles.writeString(file, json);
    }

    /**
     * Builds the {@code tokenizer.json} text for a llama2.c vocabulary.
     *
     * @param tokenizer the llama2.c tokenizer to convert
     * @return the JSON text, pretty-printed
     * @throws IllegalArgumentException if the vocabulary cannot be expressed as a Hugging Face BPE
     *     vocabulary
     */
    public static String tokenizerJson(Llama2cTokenizer tokenizer) {
        Objects.requireNonNull(tokenizer, "tokenizer");
        String[] names = huggingFaceTokens(tokenizer);
        List<Merge> merges = merges(tokenizer);

        JsonObject root = new JsonObject();
        root.addProperty("version", "1.0");
        root.add("truncation", JsonNull.INSTANCE);
        root.add("padding", JsonNull.INSTANCE);
        root.add("added_tokens", addedTokens());
        root.add("normalizer", normalizer());
        root.add("pre_tokenizer", JsonNull.INSTANCE);
        root.add("post_processor", postProcessor());
        root.add("decoder", decoder());
        root.add("model", bpeModel(names, merges));
        return GSON.toJson(root);
    }

    /**
     * Returns the Hugging Face string of each token: U+2581 in place of spaces, and {@code <unk>},
     * {@code <s>} and {@code </s>} for ids 0 to 2.
     *
     * @throws IllegalArgumentException if two tokens get the same string, or a token contains U+2581
     *     already, which the conversion could not tell apart from a space
     */
    static String[] huggingFaceTokens(Llama2cTokenizer tokenizer) {
        String[] names = new String[tokenizer.vocabSize()];
        Map<String, Integer> seen = new HashMap<>();
        for (int id = 0; id < names.length; id++) {
            String raw = tokenizer.tokenText(id);
            if (raw.contains(WORD_BOUNDARY)) {
                throw new IllegalArgumentException("Token " + id + " of " + tokenizer.source() + " contains"
                        + " U+2581, which the llama2.c format should store as a space; the conversion cannot"
                        + " tell it apart from a space.");
            }
            names[id] = switch (id) {
                case Llama2cTokenizer.UNK_ID -> UNK_TOKEN;
                case Llama2cTokenizer.BOS_ID -> BOS_TOKEN;
                case Llama2cTokenizer.EOS_ID -> EOS_TOKEN;
                default -> raw.replace(" ", WORD_BOUNDARY);
            };
            Integer earlier = seen.putIfAbsent(names[id], id);
            if (earlier != null) {
                throw new IllegalArgumentException("Tokens " + earlier + " and " + id + " of " + tokenizer.source()
                        + " both become \"" + Llama2cTokenizer.escape(names[id]) + "\" in a Hugging Face"
                        + " vocabulary, which needs unique strings.");
            }
        }
        return names;
    }

    /**
     * Derives the BPE merges from the vocabulary: every split of a token into two tokens, ranked as the
     * class comment explains. Skips the special tokens (ids 0-2), which the Hugging Face tokenizer
     * handles outside BPE, and tokens whose score {@code run.c} never merges into
     * ({@link Llama2cTokenizer#MERGE_SCORE_FLOOR} or lower, NaN).
     *
     * @return the merges, best rank first
     */
    static List<Merge> merges(Llama2cTokenizer tokenizer) {
        int firstRegularId = Llama2cTokenizer.EOS_ID + 1;
        List<Merge> merges = new ArrayList<>();
        int skippedSpecial = 0;
        for (int merged = 0; merged < tokenizer.vocabSize(); merged++) {
            String token = tokenizer.tokenText(merged);
            for (int split = 1; split < token.length(); split++) {
                if (Character.isLowSurrogate(token.charAt(split))) {
                    continue;
                }
                var left = tokenizer.tokenId(token.substring(0, split));
                var right = tokenizer.tokenId(token.substring(split));
                if (left.isEmpty() || right.isEmpty()) {
                    continue;
                }
                if (merged < firstRegularId || left.getAsInt() < firstRegularId || right.getAsInt() < firstRegularId) {
                    skippedSpecial++;
                    continue;
                }
                if (tokenizer.score(merged) > Llama2cTokenizer.MERGE_SCORE_FLOOR) {
                    merges.add(new Merge(left.getAsInt(), right.getAsInt(), merged));
                }
            }
        }
        if (skippedSpecial > 0) {
            LOG.warn("{} merges of {} involve <unk>, BOS or EOS and have no Hugging Face equivalent; texts that"
                    + " run.c would merge into them encode differently", skippedSpecial, tokenizer.source());
        }

        // Adding 0.0f turns -0.0 into 0.0, which run.c's '>' treats as equal.
        Comparator<Merge> order = Comparator
                .comparingDouble((Merge merge) -> -(tokenizer.score(merge.mergedId()) + 0.0f))
                .thenComparingInt(Merge::mergedId)
                .thenComparingInt(merge -> tokenizer.tokenText(merge.leftId()).length());
        merges.sort(order);
        warnAboutEqualScores(tokenizer, merges);
        return merges;
    }

    private static void warnAboutEqualScores(Llama2cTokenizer tokenizer, List<Merge> merges) {
        int ties = 0;
        for (int i = 1; i < merges.size(); i++) {
            Merge previous = merges.get(i - 1);
            Merge current = merges.get(i);
            if (previous.mergedId() != current.mergedId()
                    && tokenizer.score(previous.mergedId()) == tokenizer.score(current.mergedId())) {
                ties++;
            }
        }
        if (ties > 0) {
            LOG.warn("{} pairs of distinct merged tokens of {} share a score; where both merges apply to one"
                    + " text, run.c takes the leftmost and the Hugging Face tokenizer the lower id, so some"
                    + " encodings may differ", ties, tokenizer.source());
        }
    }

    // tokenizer.json sections.

    private static JsonArray addedTokens() {
        JsonArray added = new JsonArray();
        added.add(addedToken(Llama2cTokenizer.UNK_ID, UNK_TOKEN));
        added.add(addedToken(Llama2cTokenizer.BOS_ID, BOS_TOKEN));
        added.add(addedToken(Llama2cTokenizer.EOS_ID, EOS_TOKEN));
        return added;
    }

    private static JsonObject addedToken(int id, String content) {
        JsonObject token = new JsonObject();
        token.addProperty("id", id);
        addedTokenFields(content).entrySet().forEach(entry -> token.add(entry.getKey(), entry.getValue()));
        return token;
    }

    private static JsonObject addedTokenFields(String content) {
        JsonObject fields = new JsonObject();
        fields.addProperty("content", content);
        fields.addProperty("single_word", false);
        fields.addProperty("lstrip", false);
        fields.addProperty("rstrip", false);
        fields.addProperty("normalized", false);
        fields.addProperty("special", true);
        return fields;
    }

    private static JsonObject normalizer() {
        JsonObject prepend = new JsonObject();
        prepend.addProperty("type", "Prepend");
        prepend.addProperty("prepend", WORD_BOUNDARY);

        JsonArray normalizers = new JsonArray();
        normalizers.add(prepend);
        normalizers.add(replace(" ", WORD_BOUNDARY));

        JsonObject sequence = new JsonObject();
        sequence.addProperty("type", "Sequence");
        sequence.add("normalizers", normalizers);
        return sequence;
    }

    private static JsonObject postProcessor() {
        JsonArray single = new JsonArray();
        single.add(templatePiece("SpecialToken", BOS_TOKEN, 0));
        single.add(templatePiece("Sequence", "A", 0));

        JsonArray pair = new JsonArray();
        pair.add(templatePiece("SpecialToken", BOS_TOKEN, 0));
        pair.add(templatePiece("Sequence", "A", 0));
        pair.add(templatePiece("SpecialToken", BOS_TOKEN, 1));
        pair.add(templatePiece("Sequence", "B", 1));

        JsonArray bosIds = new JsonArray();
        bosIds.add(Llama2cTokenizer.BOS_ID);
        JsonArray bosTokens = new JsonArray();
        bosTokens.add(BOS_TOKEN);
        JsonObject bos = new JsonObject();
        bos.addProperty("id", BOS_TOKEN);
        bos.add("ids", bosIds);
        bos.add("tokens", bosTokens);
        JsonObject specialTokens = new JsonObject();
        specialTokens.add(BOS_TOKEN, bos);

        JsonObject processor = new JsonObject();
        processor.addProperty("type", "TemplateProcessing");
        processor.add("single", single);
        processor.add("pair", pair);
        processor.add("special_tokens", specialTokens);
        return processor;
    }

    private static JsonObject templatePiece(String kind, String id, int typeId) {
        JsonObject body = new JsonObject();
        body.addProperty("id", id);
        body.addProperty("type_id", typeId);
        JsonObject piece = new JsonObject();
        piece.add(kind, body);
        return piece;
    }

    private static JsonObject decoder() {
        JsonObject byteFallback = new JsonObject();
        byteFallback.addProperty("type", "ByteFallback");
        JsonObject fuse = new JsonObject();
        fuse.addProperty("type", "Fuse");
        JsonObject strip = new JsonObject();
        strip.addProperty("type", "Strip");
        strip.addProperty("content", " ");
        strip.addProperty("start", 1);
        strip.addProperty("stop", 0);

        JsonArray decoders = new JsonArray();
        decoders.add(replace(WORD_BOUNDARY, " "));
        decoders.add(byteFallback);
        decoders.add(fuse);
        decoders.add(strip);

        JsonObject sequence = new JsonObject();
        sequence.addProperty("type", "Sequence");
        sequence.add("decoders", decoders);
        return sequence;
    }

    private static JsonObject replace(String pattern, String content) {
        JsonObject patternObject = new JsonObject();
        patternObject.addProperty("String", pattern);
        JsonObject replace = new JsonObject();
        replace.addProperty("type", "Replace");
        replace.add("pattern", patternObject);
        replace.addProperty("content", content);
        return replace;
    }

    private static JsonObject bpeModel(String[] names, List<Merge> merges) {
        JsonObject vocab = new JsonObject();
        for (int id = 0; id < names.length; id++) {
            vocab.addProperty(names[id], id);
        }
        // Every tokenizers version reads the "left right" string form, and no name contains a space.
        JsonArray mergeStrings = new JsonArray();
        for (Merge merge : merges) {
            mergeStrings.add(names[merge.leftId()] + " " + names[merge.rightId()]);
        }

        JsonObject model = new JsonObject();
        model.addProperty("type", "BPE");
        model.add("dropout", JsonNull.INSTANCE);
        model.addProperty("unk_token", UNK_TOKEN);
        model.add("continuing_subword_prefix", JsonNull.INSTANCE);
        model.add("end_of_word_suffix", JsonNull.INSTANCE);
        model.addProperty("fuse_unk", true);
        model.addProperty("byte_fallback", true);
        model.addProperty("ignore_merges", false);
        model.add("vocab", vocab);
        model.add("merges", mergeStrings);
        return model;
    }

    // Companion files for transformers.

    private static JsonObject tokenizerConfig() {
        JsonObject decoderEntries = new JsonObject();
        decoderEntries.add(String.valueOf(Llama2cTokenizer.UNK_ID), addedTokenFields(UNK_TOKEN));
        decoderEntries.add(String.valueOf(Llama2cTokenizer.BOS_ID), addedTokenFields(BOS_TOKEN));
        decoderEntries.add(String.valueOf(Llama2cTokenizer.EOS_ID), addedTokenFields(EOS_TOKEN));

        JsonObject config = new JsonObject();
        // transformers' LlamaTokenizer class replaces the normalizer of tokenizer.json with its own
        // Metaspace pre-tokenizer, which adds no word-boundary marker before text that starts with a
        // space, unlike llama2.c. PreTrainedTokenizerFast runs tokenizer.json as written.
        config.addProperty("tokenizer_class", "PreTrainedTokenizerFast");
        config.addProperty("add_bos_token", true);
        config.addProperty("add_eos_token", false);
        config.addProperty("bos_token", BOS_TOKEN);
        config.addProperty("eos_token", EOS_TOKEN);
        config.addProperty("unk_token", UNK_TOKEN);
        config.add("pad_token", JsonNull.INSTANCE);
        // The pipeline above is the legacy Llama one (dummy prefix on every text).
        config.addProperty("legacy", true);
        // Removing spaces before punctuation on decode would break the text round trip.
        config.addProperty("clean_up_tokenization_spaces", false);
        config.add("added_tokens_decoder", decoderEntries);
        return config;
    }

    private static JsonObject specialTokensMap() {
        JsonObject map = new JsonObject();
        map.addProperty("bos_token", BOS_TOKEN);
        map.addProperty("eos_token", EOS_TOKEN);
        map.addProperty("unk_token", UNK_TOKEN);
        return map;
    }

    // Files.

    private static void createDirectories(Path directory) {
        AtomicFiles.createDirectories(directory, "directory");
    }
}
