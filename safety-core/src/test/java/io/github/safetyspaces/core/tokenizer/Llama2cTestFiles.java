package io.github.safetyspaces.core.tokenizer;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes and reads llama2.c tokenizer files for tests, with code of its own so that the tests do not
 * check the production reader against itself.
 */
final class Llama2cTestFiles {

    private Llama2cTestFiles() {
    }

    /** A vocabulary as parallel lists, in id order. */
    record Vocabulary(List<String> tokens, List<Float> scores) {

        int size() {
            return tokens.size();
        }
    }

    /**
     * Builds a vocabulary with llama2.c's fixed ids (0-2 special, 3-258 byte fallback, all scored 0)
     * followed by the given tokens and scores, in insertion order.
     */
    static Vocabulary withFixedIds(Map<String, Float> regularTokens) {
        List<String> tokens = new ArrayList<>();
        List<Float> scores = new ArrayList<>();
        tokens.add("<unk>");
        tokens.add("\n<s>\n");
        tokens.add("\n</s>\n");
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
        }
        while (scores.size() < tokens.size()) {
            scores.add(0f);
        }
        regularTokens.forEach((token, score) -> {
            tokens.add(token);
            scores.add(score);
        });
        return new Vocabulary(tokens, scores);
    }

    /** Returns an ordered map, for building a vocabulary inline. */
    static Map<String, Float> tokens(Object... tokenScorePairs) {
        Map<String, Float> map = new LinkedHashMap<>();
        for (int i = 0; i < tokenScorePairs.length; i += 2) {
            map.put((String) tokenScorePairs[i], ((Number) tokenScorePairs[i + 1]).floatValue());
        }
        return map;
    }

    /** Writes a vocabulary in llama2.c format with the true maximum token length in the header. */
    static Path write(Path file, Vocabulary vocabulary) throws IOException {
        int maxLength = 0;
        for (String token : vocabulary.tokens()) {
            maxLength = Math.max(maxLength, token.getBytes(StandardCharsets.UTF_8).length);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeInt(out, maxLength);
        for (int i = 0; i < vocabulary.size(); i++) {
            byte[] utf8 = vocabulary.tokens().get(i).getBytes(StandardCharsets.UTF_8);
            writeInt(out, Float.floatToIntBits(vocabulary.scores().get(i)));
            writeInt(out, utf8.length);
            out.write(utf8);
        }
        Files.write(file, out.toByteArray());
        return file;
    }

    /** Writes raw little-endian int32 values, for building malformed files. */
    static byte[] ints(int... values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int value : values) {
            buffer.putInt(value);
        }
        return buffer.array();
    }

    private static void writeInt(ByteArrayOutputStream out, int value) {
        out.write(value & 0xFF);
        out.write((value >>> 8) & 0xFF);
        out.write((value >>> 16) & 0xFF);
        out.write((value >>> 24) & 0xFF);
    }

    /** Reads a llama2.c tokenizer file with a DataInputStream, which is big-endian, swapping bytes. */
    static Vocabulary read(Path file, int vocabSize) throws IOException {
        List<String> tokens = new ArrayList<>();
        List<Float> scores = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(file); DataInputStream in = new DataInputStream(raw)) {
            Integer.reverseBytes(in.readInt());
            for (int i = 0; i < vocabSize; i++) {
                scores.add(Float.intBitsToFloat(Integer.reverseBytes(in.readInt())));
                byte[] utf8 = new byte[Integer.reverseBytes(in.readInt())];
                in.readFully(utf8);
                tokens.add(new String(utf8, StandardCharsets.UTF_8));
            }
        }
        return new Vocabulary(tokens, scores);
    }
}
