package io.github.safetyspaces.core.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Slow reference for llama2.c's encoding, written from its description: each round rebuilds every
 * adjacent concatenation as a string, looks it up, and merges the first pair with the strictly
 * highest score above -1e10. It walks Java code points, where {@code run.c} groups UTF-8 bytes.
 */
final class BruteForceBpe {

    private final List<String> tokens;
    private final List<Float> scores;
    private final Map<String, Integer> ids = new HashMap<>();

    BruteForceBpe(Llama2cTestFiles.Vocabulary vocabulary) {
        this.tokens = vocabulary.tokens();
        this.scores = vocabulary.scores();
        for (int id = 0; id < tokens.size(); id++) {
            ids.putIfAbsent(tokens.get(id), id);
        }
    }

    int[] encode(String text, boolean addBos) {
        List<Integer> sequence = new ArrayList<>();
        if (addBos) {
            sequence.add(1);
        }
        if (!text.isEmpty()) {
            addCharacter(sequence, " ");
        }
        text.codePoints().forEach(codePoint -> addCharacter(sequence, new String(Character.toChars(codePoint))));

        while (true) {
            float bestScore = -1e10f;
            int bestIndex = -1;
            int bestId = -1;
            for (int i = 0; i + 1 < sequence.size(); i++) {
                Integer merged = ids.get(tokens.get(sequence.get(i)) + tokens.get(sequence.get(i + 1)));
                if (merged != null && scores.get(merged) > bestScore) {
                    bestScore = scores.get(merged);
                    bestIndex = i;
                    bestId = merged;
                }
            }
            if (bestIndex < 0) {
                break;
            }
            sequence.set(bestIndex, bestId);
            sequence.remove(bestIndex + 1);
        }
        return sequence.stream().mapToInt(Integer::intValue).toArray();
    }

    private void addCharacter(List<Integer> sequence, String character) {
        Integer id = ids.get(character);
        if (id != null) {
            sequence.add(id);
            return;
        }
        for (byte b : character.getBytes(StandardCharsets.UTF_8)) {
            sequence.add((b & 0xFF) + 3);
        }
    }
}
