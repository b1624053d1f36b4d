package io.github.safetyspaces.core.tokenizer;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Builds a varied text corpus for tokenizer tests: story sentences, punctuation, digits, runs of
 * spaces, leading and trailing whitespace, newlines, tabs, non-ASCII text, the empty string, and
 * seeded random mixtures of those with vocabulary tokens.
 *
 * <p>It leaves out the literal texts {@code <s>}, {@code </s>}, {@code <unk>} and the character U+2581,
 * which a Hugging Face tokenizer turns into tokens of their own by design.
 */
final class TokenizerCorpus {

    static final String GREEDY_STORY = "Once upon a time, there was a little girl named Lily. She loved to play"
            + " outside in the park. One day, she saw a big, red ball. She wanted to play with it, but it was"
            + " too high";

    private static final List<String> SENTENCES = List.of(
            GREEDY_STORY,
            "Once upon a time, there was a little boy named Tim.",
            "Tim had a red ball. He liked to play with it every day.",
            "One day, Lily went to the park with her mom.",
            "\"Can I have a cookie?\" asked Sue. Her mom said, \"Yes, you can.\"",
            "The cat jumped on the table and knocked over the milk!",
            "They were very happy and played together all day.",
            "Ben saw a big dog. The dog was friendly and wagged its tail.",
            "She wanted to help her friend, but she did not know how.",
            "The sun was shining and the birds were singing in the trees.",
            "Mom said, \"Don't touch the hot stove!\" Tim listened.",
            "Why is the sky blue? Lily asked her dad.",
            "At the end of the day, they went home and ate soup.",
            "The little bird could not fly, so Max took care of it.",
            "It's a sunny day; let's go outside: the swings are free.",
            "Sam's toy car went zoom -- zoom -- zoom across the floor.",
            "Lily and Ben built a tall tower with 12 blocks.",
            "They counted: 1, 2, 3, 4, 5... and then they jumped!",
            "The frog said, 'Ribbit!' and hopped into the pond.",
            "Anna felt sad. She lost her favorite teddy bear.",
            "THE END",
            "Timmy",
            "happy happy happy",
            "a",
            ".",
            "?!");

    private static final List<String> SPECIAL_CASES = List.of(
            "",
            " ",
            "  ",
            "   three leading spaces",
            "trailing spaces   ",
            "two  spaces  between  words",
            "line one\nline two",
            "\n",
            "\n\nblank lines\n\n",
            "windows\r\nline end",
            "tab\tseparated\tvalues",
            "\tleading tab",
            " \t \n mixed whitespace \n \t ",
            "Lily had 3 apples, 2 pears and 10 grapes!",
            "Call 555-0199 at 7:30 pm, on 2024-05-17.",
            "$5.99 + 20% = ? & #hash @at ^caret *star",
            "(round) [square] {curly} <angle>",
            "a-b_c/d\\e|f~g`h",
            "“Curly quotes” and ‘single ones’ — dashes – too…",
            "café",
            "naïve résumé",
            "señor niño",
            "Ärger über Öl",
            "日本語のテキスト",
            "日本",
            "中文",
            "Привет, мир",
            "مرحبا بالعالم",
            "Ω≈ç√∫˜µ≤≥÷",
            "e\u0301 combining accent",
            "non\u00a0breaking space",
            "hair\u200aspace",
            "™ € £ ¥",
            "emoji 😀 in text",
            "👍🏽👨‍👩‍👧",
            "é",
            "😀",
            "x😀y",
            "0123456789",
            "!!!???...,,,");

    private static final List<String> EXTRA_PIECES = List.of(
            " ", "  ", "\n", "\t", "é", "日", "😀", "ñ", "ü", "3", "42", ",", ".", "!", "\"", "'", "-",
            "Lily", "Tim", "play", "the", "ball", "happy", "ed", "ing", "ver", "her", "end", "out", "ked");

    private TokenizerCorpus() {
    }

    /**
     * Builds the corpus.
     *
     * @param vocabularyTokens token strings (with plain spaces) to mix into random texts
     * @param randomCount number of random mixtures to add
     * @param seed random seed
     * @return distinct texts, the fixed ones first
     */
    static List<String> build(List<String> vocabularyTokens, int randomCount, long seed) {
        Set<String> corpus = new LinkedHashSet<>();
        corpus.addAll(SENTENCES);
        corpus.addAll(SPECIAL_CASES);
        for (String sentence : SENTENCES) {
            corpus.add(" " + sentence);
            corpus.add(sentence + " ");
            corpus.add(sentence.replace(" ", "  "));
            corpus.add(sentence + "\n");
            corpus.add(sentence.toUpperCase());
            corpus.add(sentence.toLowerCase());
        }

        List<String> pieces = new ArrayList<>(EXTRA_PIECES);
        pieces.addAll(vocabularyTokens);
        for (String sentence : SENTENCES) {
            pieces.addAll(List.of(sentence.split(" ")));
        }
        Random random = new Random(seed);
        while (corpus.size() < SENTENCES.size() * 7 + SPECIAL_CASES.size() + randomCount) {
            StringBuilder text = new StringBuilder();
            int length = 1 + random.nextInt(12);
            for (int i = 0; i < length; i++) {
                text.append(pieces.get(random.nextInt(pieces.size())));
            }
            corpus.add(text.toString());
        }
        corpus.removeIf(TokenizerCorpus::hasSpecialTokenText);
        return List.copyOf(corpus);
    }

    /** Tells whether a text contains what a Hugging Face tokenizer treats apart from BPE. */
    static boolean hasSpecialTokenText(String text) {
        return text.contains("<s>") || text.contains("</s>") || text.contains("<unk>") || text.contains("\u2581");
    }
}
