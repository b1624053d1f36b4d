package io.github.safetyspaces.core.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes small llama2.c tokenizer files for the data tests: the format's fixed ids 0-258 (unk, BOS,
 * EOS, 256 byte-fallback tokens) followed by the given tokens.
 */
final class TinyTokenizerFiles {

    /** Id of the first regular token, after the 259 fixed ids. */
    static final int FIRST_REGULAR_ID = 259;

    private TinyTokenizerFiles() {
    }

    /** One regular token and its merge score. */
    record Token(String text, float score) {
    }

    /**
     * Writes a tokenizer file and returns the vocabulary in id order, so tests can look up ids.
     */
    static List<String> write(Path file, List<Token> regularTokens) throws IOException {
        List<String> texts = new ArrayList<>();
        List<Float> scores = new ArrayList<>();
        texts.add("<unk>");
        texts.add("\n<s>\n");
        texts.add("\n</s>\n");
        for (int b = 0; b < 256; b++) {
            texts.add(String.format("<0x%02X>", b));
        }
        while (scores.size() < texts.size()) {
            scores.add(0f);
        }
        for (Token token : regularTokens) {
            texts.add(token.text());
            scores.add(token.score());
        }

        int maxBytes = 0;
        for (String text : texts) {
            maxBytes = Math.max(maxBytes, text.getBytes(StandardCharsets.UTF_8).length);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(littleEndian(maxBytes));
        for (int id = 0; id < texts.size(); id++) {
            byte[] utf8 = texts.get(id).getBytes(StandardCharsets.UTF_8);
            out.write(littleEndian(Float.floatToIntBits(scores.get(id))));
            out.write(littleEndian(utf8.length));
            out.write(utf8);
        }
        Files.write(file, out.toByteArray());
        return texts;
    }

    private static byte[] littleEndian(int value) {
        return ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
    }
}
