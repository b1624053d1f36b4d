package io.github.safetyspaces.core.tokenizer;

import java.util.OptionalInt;

/**
 * Converts between text and the token ids of one language model's vocabulary.
 *
 * <p>Implementations differ in how they remove the space that sentencepiece-style tokenizers put in
 * front of the text. Each one documents its rule in {@link #decode(int[])}.
 */
public interface TextTokenizer extends AutoCloseable {

    /**
     * Encodes text into token ids, without truncation.
     *
     * @param text the text. An empty text encodes to no tokens, or to BOS alone with {@code addBos}.
     * @param addBos whether to put the BOS id first. Ignored when {@link #bosId()} is empty.
     * @return the token ids
     */
    int[] encode(String text, boolean addBos);

    /**
     * Decodes token ids into text. Skips the special tokens BOS, EOS and padding, and assembles
     * consecutive byte-fallback tokens ({@code <0xNN>}) into UTF-8 characters.
     *
     * @param ids token ids, each in {@code [0, vocabSize())}
     * @return the decoded text
     * @throws IllegalArgumentException if an id is outside the vocabulary
     */
    String decode(int[] ids);

    /**
     * Returns the number of token ids this tokenizer can produce or decode.
     *
     * @return the vocabulary size
     */
    int vocabSize();

    /**
     * Returns the id of the beginning-of-sequence token.
     *
     * @return the BOS id, or empty if the tokenizer has none
     */
    OptionalInt bosId();

    /**
     * Returns the id of the end-of-sequence token, which ends generation.
     *
     * @return the EOS id, or empty if the tokenizer has none
     */
    OptionalInt eosId();

    /**
     * Returns the vocabulary's string for one token, unchanged, for debugging.
     *
     * @param id a token id in {@code [0, vocabSize())}
     * @return the token's string as the tokenizer stores it
     * @throws IllegalArgumentException if the id is outside the vocabulary
     */
    String tokenText(int id);

    /** Releases native resources, if any; no checked exception. */
    @Override
    void close();
}
