package io.github.safetyspaces.core.tokenizer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.PriorityQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tokenizer in the llama2.c {@code tokenizer.bin} format, encoding and decoding as llama2.c's
 * {@code run.c} does.
 *
 * <p>The file contains a little-endian int32 {@code max_token_length}, then for each token a float32
 * score, an int32 byte length and the token's UTF-8 bytes. It does not store the number of tokens,
 * which comes from the model. Ids are fixed by the format: 0 is {@code <unk>}, 1 is BOS, 2 is EOS, and
 * {@code 3 + b} is the byte-fallback token {@code <0xNN>} for byte {@code b}. The file stores
 * sentencepiece's word-boundary marker U+2581 as a plain space.
 *
 * <p>Encoding: a non-empty text gets a leading space (sentencepiece's dummy prefix). Each UTF-8 code
 * point becomes its vocabulary token, or one byte-fallback token per byte when the vocabulary lacks
 * it. Then the adjacent pair whose concatenation is the vocabulary token with the highest score is
 * merged, the leftmost pair on ties, until no pair's concatenation is in the vocabulary. BOS, when
 * requested, takes part in the merge loop as in {@code run.c}. This class finds the best pair with a
 * priority queue instead of {@code run.c}'s full scan per merge, which gives the same result faster.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class Llama2cTokenizer implements TextTokenizer {

    /** Id of the unknown token {@code <unk>}. */
    public static final int UNK_ID = 0;

    /** Id of the beginning-of-sequence token, stored as {@code "\n<s>\n"}. */
    public static final int BOS_ID = 1;

    /** Id of the end-of-sequence token, stored as {@code "\n</s>\n"}. */
    public static final int EOS_ID = 2;

    /** Id of the byte-fallback token {@code <0x00>}. Byte {@code b} has id {@code FIRST_BYTE_ID + b}. */
    public static final int FIRST_BYTE_ID = 3;

    /** Number of byte-fallback tokens, one per byte value. */
    public static final int BYTE_TOKEN_COUNT = 256;

    /**
     * Score at or below which a token is never produced by a merge, because {@code run.c} starts its
     * search for the best pair at {@code -1e10} and takes only strictly higher scores. NaN scores never
     * merge either.
     */
    public static final float MERGE_SCORE_FLOOR = -1e10f;

    private static final Logger LOG = LoggerFactory.getLogger(Llama2cTokenizer.class);

    private static final int HEADER_BYTES = Integer.BYTES;
    private static final int TOKEN_HEADER_BYTES = Float.BYTES + Integer.BYTES;
    private static final int MAX_UTF8_CODE_POINT_BYTES = 4;

    private final Path source;
    private final String[] tokens;
    private final float[] scores;
    private final int maxTokenLength;
    private final Map<String, Integer> idsByToken;

    /** Lowest id with the same string as each id, because {@code run.c} compares strings, not ids. */
    private final int[] canonicalIds;

    /**
     * Merged token id for each pair of canonical ids whose concatenation is a token, keyed by
     * {@code left << 32 | right}.
     */
    private final Map<Long, Integer> mergedIdsByPair;

    /** Byte value of each {@code <0xNN>} token, or -1 for other tokens. */
    private final int[] byteValues;

    private Llama2cTokenizer(Path source, String[] tokens, float[] scores, int maxTokenLength) {
        this.source = source;
        this.tokens = tokens;
        this.scores = scores;
        this.maxTokenLength = maxTokenLength;
        this.idsByToken = indexTokens(source, tokens);
        this.canonicalIds = new int[tokens.length];
        for (int id = 0; id < tokens.length; id++) {
            canonicalIds[id] = idsByToken.get(tokens[id]);
        }
        this.byteValues = new int[tokens.length];
        for (int id = 0; id < tokens.length; id++) {
            byteValues[id] = parseByteToken(tokens[id]);
        }
        checkByteFallbackTokens(source, tokens);
        this.mergedIdsByPair = indexMerges(tokens, idsByToken);
    }

    /**
     * Reads a llama2.c {@code tokenizer.bin} file.
     *
     * @param tokBin the tokenizer file, for example {@code tok512.bin}
     * @param vocabSize the number of tokens in the file, which is the model's {@code vocab_size}
     * @return the tokenizer
     * @throws IllegalArgumentException if the file is missing or malformed (the message names the file
     *     and the token index), or if {@code vocabSize} cannot hold the format's fixed ids
     * @throws UncheckedIOException if the file cannot be read
     */
    public static Llama2cTokenizer read(Path tokBin, int vocabSize) {
        Objects.requireNonNull(tokBin, "tokBin");
        if (vocabSize < FIRST_BYTE_ID + BYTE_TOKEN_COUNT) {
            throw new IllegalArgumentException("Vocabulary size " + vocabSize + " is too small for the llama2.c"
                    + " tokenizer format, which reserves ids 0-2 for <unk>, BOS and EOS and ids 3-258 for byte"
                    + " fallback; pass the model's vocab_size.");
        }
        if (!Files.isRegularFile(tokBin)) {
            throw new IllegalArgumentException("Tokenizer file not found: " + tokBin.toAbsolutePath()
                    + "; pass the path of a llama2.c tokenizer.bin (for example tok512.bin).");
        }
        byte[] content;
        try {
            content = Files.readAllBytes(tokBin);
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to read tokenizer file " + tokBin.toAbsolutePath(), e);
        }
        ByteBuffer buffer = ByteBuffer.wrap(content).order(ByteOrder.LITTLE_ENDIAN);

        // Header.
        if (buffer.remaining() < HEADER_BYTES) {
            throw malformed(tokBin, "it has " + content.length + " bytes, fewer than the 4-byte max_token_length"
                    + " header");
        }
        int maxTokenLength = buffer.getInt();
        if (maxTokenLength < 0) {
            throw malformed(tokBin, "the header's max_token_length is negative (" + maxTokenLength + ")");
        }

        // Tokens.
        String[] tokens = new String[vocabSize];
        float[] scores = new float[vocabSize];
        for (int id = 0; id < vocabSize; id++) {
            if (buffer.remaining() < TOKEN_HEADER_BYTES) {
                throw malformed(tokBin, "token " + id + " is truncated: " + buffer.remaining() + " bytes remain"
                        + " where its score and length need 8; the file holds fewer than the " + vocabSize
                        + " tokens requested, so check the vocabulary size");
            }
            scores[id] = buffer.getFloat();
            int length = buffer.getInt();
            if (length < 0) {
                throw malformed(tokBin, "token " + id + " has a negative byte length (" + length + ")");
            }
            if (length > maxTokenLength) {
                throw malformed(tokBin, "token " + id + " has " + length + " bytes, more than the header's"
                        + " max_token_length " + maxTokenLength);
            }
            if (length > buffer.remaining()) {
                throw malformed(tokBin, "token " + id + " is truncated: it has " + length + " bytes but only "
                        + buffer.remaining() + " remain");
            }
            byte[] utf8 = new byte[length];
            buffer.get(utf8);
            tokens[id] = decodeTokenUtf8(tokBin, id, utf8);
        }
        if (buffer.hasRemaining()) {
            throw malformed(tokBin, buffer.remaining() + " bytes remain after " + vocabSize + " tokens; the"
                    + " vocabulary size passed is smaller than the file's, so pass the model's vocab_size");
        }
        LOG.debug("Read {} llama2.c tokens from {}", vocabSize, tokBin);
        return new Llama2cTokenizer(tokBin, tokens, scores, maxTokenLength);
    }

    /**
     * Encodes text as {@code run.c}'s {@code encode} does, without EOS.
     *
     * @param text the text. Unpaired UTF-16 surrogates become {@code '?'}, as in Java's UTF-8 encoder.
     * @param addBos whether to put BOS first
     * @return the token ids
     */
    @Override
    public int[] encode(String text, boolean addBos) {
        Objects.requireNonNull(text, "text");
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        int capacity = utf8.length + 2;

        // Symbols form a linked list over array slots, so a merge never shifts the array.
        int[] ids = new int[capacity];
        int[] next = new int[capacity];
        int[] prev = new int[capacity];
        int[] versions = new int[capacity];
        int count = 0;

        // Step 1: BOS, the dummy prefix, then one token per code point or one per byte.
        if (addBos) {
            ids[count++] = BOS_ID;
        }
        if (!text.isEmpty()) {
            count = appendPiece(ids, count, new byte[] {' '}, 0, 1);
        }
        int start = 0;
        while (start < utf8.length) {
            // run.c groups a byte with the continuation bytes (10xxxxxx) after it, at most 4 bytes in all.
            int end = start + 1;
            while (end < utf8.length && (utf8[end] & 0xC0) == 0x80 && end - start < MAX_UTF8_CODE_POINT_BYTES) {
                end++;
            }
            count = appendPiece(ids, count, utf8, start, end);
            start = end;
        }
        if (count < 2) {
            return Arrays.copyOf(ids, count);
        }
        for (int i = 0; i < count; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < count ? i + 1 : -1;
        }

        // Step 2: merge the best-scoring pair, leftmost first, until no pair is in the vocabulary.
        PriorityQueue<MergeCandidate> queue = new PriorityQueue<>();
        for (int i = 0; i + 1 < count; i++) {
            offerCandidate(queue, ids, versions, i, i + 1);
        }
        while (!queue.isEmpty()) {
            MergeCandidate candidate = queue.poll();
            int left = candidate.leftSlot();
            int right = candidate.rightSlot();
            boolean stale = versions[left] != candidate.leftVersion()
                    || next[left] != right
                    || versions[right] != candidate.rightVersion();
            if (stale) {
                continue;
            }
            ids[left] = candidate.mergedId();
            versions[left]++;
            versions[right] = -1;
            next[left] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = left;
            }
            if (prev[left] >= 0) {
                offerCandidate(queue, ids, versions, prev[left], left);
            }
            if (next[left] >= 0) {
                offerCandidate(queue, ids, versions, left, next[left]);
            }
        }

        // Step 3: collect the surviving symbols in order. Slot 0 has no left neighbor, so it always survives.
        int[] result = new int[count];
        int length = 0;
        for (int slot = 0; slot >= 0; slot = next[slot]) {
            result[length++] = ids[slot];
        }
        return Arrays.copyOf(result, length);
    }

    /**
     * Decodes token ids as {@code run.c} prints them. BOS and EOS are skipped, and a token right after BOS
     * loses its leading space (the dummy prefix). So {@code decode(encode(text, true))} returns the text,
     * while {@code decode(encode(text, false))} returns it with a leading space. Consecutive byte-fallback
     * tokens are joined into UTF-8. A run that is not valid UTF-8 becomes one U+FFFD per byte, as in
     * Hugging Face's {@code ByteFallback} decoder. {@code <unk>} decodes to its own text.
     *
     * @param ids token ids
     * @return the text
     */
    @Override
    public String decode(int[] ids) {
        Objects.requireNonNull(ids, "ids");
        StringBuilder text = new StringBuilder();
        ByteArrayOutputStream pendingBytes = new ByteArrayOutputStream();
        int previous = -1;
        for (int id : ids) {
            checkId(id);
            if (id == BOS_ID || id == EOS_ID) {
                previous = id;
                continue;
            }
            if (byteValues[id] >= 0) {
                pendingBytes.write(byteValues[id]);
            } else {
                appendBytes(text, pendingBytes);
                String piece = tokens[id];
                if (previous == BOS_ID && piece.startsWith(" ")) {
                    piece = piece.substring(1);
                }
                text.append(piece);
            }
            previous = id;
        }
        appendBytes(text, pendingBytes);
        return text.toString();
    }

    @Override
    public int vocabSize() {
        return tokens.length;
    }

    /** Returns {@link #BOS_ID}, which the llama2.c format fixes. */
    @Override
    public OptionalInt bosId() {
        return OptionalInt.of(BOS_ID);
    }

    /** Returns {@link #EOS_ID}, which the llama2.c format fixes. */
    @Override
    public OptionalInt eosId() {
        return OptionalInt.of(EOS_ID);
    }

    /**
     * Returns a token's string as the file stores it: a plain space for sentencepiece's U+2581,
     * {@code "\n<s>\n"} for BOS and {@code "\n</s>\n"} for EOS.
     */
    @Override
    public String tokenText(int id) {
        checkId(id);
        return tokens[id];
    }

    /**
     * Returns a token's merge score. Pairs that form a higher-scoring token merge first.
     *
     * @param id a token id in {@code [0, vocabSize())}
     * @return the score stored in the file
     */
    public float score(int id) {
        checkId(id);
        return scores[id];
    }

    /**
     * Looks up the id of a token string, the lowest one if the string repeats.
     *
     * @param token the token as the file stores it (spaces, not U+2581)
     * @return its id, or empty if the vocabulary lacks it
     */
    public OptionalInt tokenId(String token) {
        Integer id = idsByToken.get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /**
     * Returns the header's {@code max_token_length}.
     *
     * @return the longest token's length in bytes, as the file declares it
     */
    public int maxTokenLength() {
        return maxTokenLength;
    }

    /**
     * Returns the file this tokenizer was read from.
     *
     * @return the path passed to {@link #read(Path, int)}
     */
    public Path source() {
        return source;
    }

    /** Does nothing, because this tokenizer has no native resources. */
    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "Llama2cTokenizer[" + source + ", vocabSize=" + tokens.length + "]";
    }

    // Encoding helpers.

    private int appendPiece(int[] ids, int count, byte[] utf8, int start, int end) {
        String piece = new String(utf8, start, end - start, StandardCharsets.UTF_8);
        Integer id = idsByToken.get(piece);
        if (id != null) {
            ids[count++] = id;
            return count;
        }
        for (int i = start; i < end; i++) {
            ids[count++] = FIRST_BYTE_ID + (utf8[i] & 0xFF);
        }
        return count;
    }

    private void offerCandidate(PriorityQueue<MergeCandidate> queue, int[] ids, int[] versions, int left, int right) {
        Integer merged = mergedIdsByPair.get(pairKey(canonicalIds[ids[left]], canonicalIds[ids[right]]));
        if (merged == null) {
            return;
        }
        float score = scores[merged];
        if (!(score > MERGE_SCORE_FLOOR)) {
            return;
        }
        queue.add(new MergeCandidate(score, left, versions[left], right, versions[right], merged));
    }

    private static long pairKey(int leftId, int rightId) {
        return ((long) leftId << 32) | (rightId & 0xFFFFFFFFL);
    }

    /**
     * One adjacent pair that can merge. Orders by score, highest first, then by slot, leftmost first,
     * which is the pair {@code run.c}'s scan picks ({@code -0.0} and {@code 0.0} tie there, as here).
     */
    private record MergeCandidate(float score, int leftSlot, int leftVersion, int rightSlot, int rightVersion,
            int mergedId) implements Comparable<MergeCandidate> {

        @Override
        public int compareTo(MergeCandidate other) {
            if (score != other.score) {
                return score > other.score ? -1 : 1;
            }
            return Integer.compare(leftSlot, other.leftSlot);
        }
    }

    // Decoding helpers.

    private void checkId(int id) {
        if (id < 0 || id >= tokens.length) {
            throw new IllegalArgumentException("Token id " + id + " is outside the vocabulary of " + tokens.length
                    + " tokens of " + source + ".");
        }
    }

    private static void appendBytes(StringBuilder text, ByteArrayOutputStream pendingBytes) {
        if (pendingBytes.size() == 0) {
            return;
        }
        byte[] bytes = pendingBytes.toByteArray();
        pendingBytes.reset();
        try {
            text.append(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)));
        } catch (CharacterCodingException e) {
            text.append("\uFFFD".repeat(bytes.length));
        }
    }

    /**
     * Parses a byte-fallback token of the form {@code <0xNN>} (either case of hex digits).
     *
     * @return the byte value, or -1 if the token has another form
     */
    static int parseByteToken(String token) {
        if (token.length() != 6 || !token.startsWith("<0x") || token.charAt(5) != '>') {
            return -1;
        }
        int high = Character.digit(token.charAt(3), 16);
        int low = Character.digit(token.charAt(4), 16);
        return high < 0 || low < 0 ? -1 : high * 16 + low;
    }

    /**
     * Returns the string of the byte-fallback token for one byte, as sentencepiece writes it.
     *
     * @param value a byte value in {@code [0, 255]}
     * @return {@code <0xNN>} with two upper-case hex digits
     */
    static String byteTokenText(int value) {
        return String.format("<0x%02X>", value);
    }

    // Loading helpers.

    private static String decodeTokenUtf8(Path file, int id, byte[] utf8) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8))
                    .toString();
        } catch (CharacterCodingException e) {
            throw malformed(file, "token " + id + " is not valid UTF-8 (bytes " + toHex(utf8) + ")");
        }
    }

    private static Map<String, Integer> indexTokens(Path file, String[] tokens) {
        Map<String, Integer> ids = new HashMap<>(tokens.length * 2);
        int duplicates = 0;
        for (int id = 0; id < tokens.length; id++) {
            if (ids.putIfAbsent(tokens[id], id) != null) {
                duplicates++;
            }
        }
        if (duplicates > 0) {
            // run.c's binary search may return any one of equal strings, so the lowest id is as faithful as any.
            LOG.warn("{} tokens of {} repeat an earlier token's string; encoding uses the lowest id of each string",
                    duplicates, file);
        }
        return ids;
    }

    private static void checkByteFallbackTokens(Path file, String[] tokens) {
        for (int value = 0; value < BYTE_TOKEN_COUNT; value++) {
            int id = FIRST_BYTE_ID + value;
            String expected = byteTokenText(value);
            if (!tokens[id].equals(expected)) {
                throw malformed(file, "token " + id + " is \"" + escape(tokens[id]) + "\" but the llama2.c format"
                        + " needs the byte-fallback token " + expected + " there");
            }
        }
    }

    /** Splits every token at each code-point boundary and records the splits whose halves are tokens. */
    private static Map<Long, Integer> indexMerges(String[] tokens, Map<String, Integer> idsByToken) {
        Map<Long, Integer> merges = new HashMap<>();
        for (int id = 0; id < tokens.length; id++) {
            String token = tokens[id];
            if (idsByToken.get(token) != id) {
                continue;
            }
            for (int split = 1; split < token.length(); split++) {
                if (Character.isLowSurrogate(token.charAt(split))) {
                    continue;
                }
                Integer left = idsByToken.get(token.substring(0, split));
                Integer right = idsByToken.get(token.substring(split));
                if (left != null && right != null) {
                    merges.put(pairKey(left, right), id);
                }
            }
        }
        return merges;
    }

    private static IllegalArgumentException malformed(Path file, String problem) {
        return new IllegalArgumentException("Malformed llama2.c tokenizer file " + file.toAbsolutePath() + ": "
                + problem + ".");
    }

    private static String toHex(byte[] bytes) {
        StringBuilder hex = new StringBuilder();
        for (byte b : bytes) {
            hex.append(String.format("%02X", b & 0xFF));
        }
        return hex.toString();
    }

    static String escape(String token) {
        return token.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r");
    }
}
