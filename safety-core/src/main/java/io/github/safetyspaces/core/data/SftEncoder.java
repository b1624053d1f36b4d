package io.github.safetyspaces.core.data;

import io.github.safetyspaces.core.tokenizer.TextTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tokenizes instruction examples for supervised fine-tuning.
 *
 * <p>For each example the prompt is the template's rendering and the sequence is
 * {@code encode(prompt + response, addBos)} followed by EOS. The response starts at the length of
 * {@code encode(prompt, addBos)}. Tokenizers can merge characters across the end of the prompt (a
 * sentencepiece merge of the prompt's last characters with the response's first), and then the
 * prompt's tokens are not a prefix of the full sequence's. The response then starts at the end of
 * the longest common prefix, and {@link SftEncodingStats#boundaryMerges()} counts the example.
 *
 * <p>A sequence longer than the maximum length is cut at the end, so it loses its EOS and the end of
 * its response. An example left with no response token is dropped. The counts are returned with the
 * examples and logged once per call.
 */
public final class SftEncoder {

    private static final Logger LOG = LoggerFactory.getLogger(SftEncoder.class);

    private final TextTokenizer tokenizer;
    private final PromptTemplate template;
    private final int maxLength;
    private final boolean addBos;
    private final int eosId;

    private SftEncoder(Builder builder, int eosId) {
        this.tokenizer = builder.tokenizer;
        this.template = builder.template;
        this.maxLength = builder.maxLength;
        this.addBos = builder.addBos;
        this.eosId = eosId;
    }

    /**
     * Creates a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Tokenizes examples, keeping their order.
     *
     * @param examples the examples
     * @return the tokenized examples that keep at least one response token, with the counts
     * @throws IllegalArgumentException if an example has an input that the template cannot place
     */
    public SftDataset encode(List<InstructionExample> examples) {
        Objects.requireNonNull(examples, "examples");
        List<SftExample> kept = new ArrayList<>(examples.size());
        int truncated = 0;
        int dropped = 0;
        int boundaryMerges = 0;
        long tokens = 0;
        for (InstructionExample example : examples) {

            // Full sequence and the prompt's share of it.
            String prompt = template.render(example);
            int[] promptIds = tokenizer.encode(prompt, addBos);
            int[] textIds = tokenizer.encode(prompt + example.response(), addBos);
            int responseStart = commonPrefixLength(promptIds, textIds);
            if (responseStart < promptIds.length) {
                boundaryMerges++;
            }
            int[] ids = Arrays.copyOf(textIds, textIds.length + 1);
            ids[textIds.length] = eosId;

            // Truncation at the end; drop what has no response token left.
            boolean cut = ids.length > maxLength;
            if (cut) {
                ids = Arrays.copyOf(ids, maxLength);
            }
            if (ids.length <= Math.max(responseStart, 1)) {
                dropped++;
                LOG.debug("Dropped the example at {}: its prompt has {} tokens, and the maximum length is {}",
                        example.origin(), responseStart, maxLength);
                continue;
            }
            if (cut) {
                truncated++;
            }
            kept.add(new SftExample(ids, responseStart));
            tokens += ids.length;
        }

        SftEncodingStats stats = new SftEncodingStats(examples.size(), kept.size(), truncated, dropped,
                boundaryMerges, tokens);
        LOG.info("Tokenized {} examples for fine-tuning with maximum length {}: {} kept, {} of them truncated;"
                + " {} dropped with no response token left; {} with a token spanning the prompt and the response;"
                + " {} tokens", stats.examples(), maxLength, stats.kept(), stats.truncated(), stats.dropped(),
                stats.boundaryMerges(), stats.tokens());
        return new SftDataset(kept, stats);
    }

    /**
     * Returns the EOS id appended to every sequence.
     *
     * @return the EOS id
     */
    public int eosId() {
        return eosId;
    }

    /**
     * Returns the maximum sequence length, in tokens.
     *
     * @return the maximum length
     */
    public int maxLength() {
        return maxLength;
    }

    /**
     * Returns the prompt template.
     *
     * @return the template
     */
    public PromptTemplate template() {
        return template;
    }

    private static int commonPrefixLength(int[] a, int[] b) {
        int length = Math.min(a.length, b.length);
        for (int i = 0; i < length; i++) {
            if (a[i] != b[i]) {
                return i;
            }
        }
        return length;
    }

    /** Builder of {@link SftEncoder}: {@code set*} for the required tokenizer and length, {@code opt*} for the rest. */
    public static final class Builder {

        private TextTokenizer tokenizer;
        private PromptTemplate template = PromptTemplate.DEFAULT;
        private int maxLength;
        private boolean addBos = true;
        private OptionalInt eosId = OptionalInt.empty();

        private Builder() {
        }

        /**
         * Sets the tokenizer of the model being fine-tuned.
         *
         * @param tokenizer the tokenizer; the encoder does not close it
         * @return this builder
         */
        public Builder setTokenizer(TextTokenizer tokenizer) {
            this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
            return this;
        }

        /**
         * Sets the maximum sequence length in tokens, BOS and EOS included.
         *
         * @param maxLength the length, at least 2
         * @return this builder
         */
        public Builder setMaxLength(int maxLength) {
            this.maxLength = maxLength;
            return this;
        }

        /**
         * Sets the prompt template (default {@link PromptTemplate#DEFAULT}).
         *
         * @param template the template
         * @return this builder
         */
        public Builder optTemplate(PromptTemplate template) {
            this.template = Objects.requireNonNull(template, "template");
            return this;
        }

        /**
         * Sets whether sequences start with BOS (default true). Ignored when the tokenizer has no BOS, as
         * Qwen2's has not.
         *
         * @param addBos whether to add BOS
         * @return this builder
         */
        public Builder optAddBos(boolean addBos) {
            this.addBos = addBos;
            return this;
        }

        /**
         * Sets the EOS id appended to each sequence (default the tokenizer's EOS).
         *
         * @param eosId a token id of the tokenizer's vocabulary
         * @return this builder
         */
        public Builder optEosId(int eosId) {
            this.eosId = OptionalInt.of(eosId);
            return this;
        }

        /**
         * Builds the encoder.
         *
         * @return the encoder
         * @throws IllegalArgumentException if the tokenizer is missing, the maximum length is below 2, or
         *     there is no EOS id in the vocabulary
         */
        public SftEncoder build() {
            if (tokenizer == null) {
                throw new IllegalArgumentException("An SFT encoder needs a tokenizer; call setTokenizer.");
            }
            if (maxLength < 2) {
                throw new IllegalArgumentException("The maximum sequence length must be at least 2 tokens (one to"
                        + " predict from, one to predict), got " + maxLength + "; call setMaxLength.");
            }
            OptionalInt eos = eosId.isPresent() ? eosId : tokenizer.eosId();
            if (eos.isEmpty()) {
                throw new IllegalArgumentException("The tokenizer " + tokenizer + " has no EOS token; pass the id that"
                        + " ends a response with optEosId.");
            }
            int id = eos.getAsInt();
            if (id < 0 || id >= tokenizer.vocabSize()) {
                throw new IllegalArgumentException("The EOS id " + id + " is outside the tokenizer's vocabulary of "
                        + tokenizer.vocabSize() + " tokens; pass an id in [0, " + tokenizer.vocabSize() + ").");
            }
            return new SftEncoder(this, id);
        }
    }
}
