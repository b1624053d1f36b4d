package io.github.safetyspaces.core.llama2c;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The configuration stored in the 28-byte header of a legacy (version 0) llama2.c checkpoint:
 * seven little-endian int32 values in the order dim, hidden_dim, n_layers, n_heads, n_kv_heads,
 * vocab_size and seq_len. A negative vocab_size means that the classifier has its own weights at the
 * end of the file. A positive one means that it shares the token embedding.
 *
 * @param dim model width ({@code hidden_size} in Hugging Face Llama)
 * @param hiddenDim width of the feed-forward layer ({@code intermediate_size})
 * @param layers number of transformer blocks ({@code num_hidden_layers})
 * @param heads number of query heads ({@code num_attention_heads})
 * @param kvHeads number of key and value heads ({@code num_key_value_heads})
 * @param vocabSize number of tokens, always positive here
 * @param sharedClassifier whether the classifier reuses the token embedding
 *     ({@code tie_word_embeddings})
 * @param seqLen maximum sequence length ({@code max_position_embeddings})
 */
public record Llama2cHeader(
        int dim,
        int hiddenDim,
        int layers,
        int heads,
        int kvHeads,
        int vocabSize,
        boolean sharedClassifier,
        int seqLen) {

    /** Size of the legacy header in bytes: seven int32 values. */
    public static final int BYTES = 7 * Integer.BYTES;

    /** Checks that every size is positive and that the heads split the model width evenly. */
    public Llama2cHeader {
        requirePositive("dim", dim);
        requirePositive("hidden_dim", hiddenDim);
        requirePositive("n_layers", layers);
        requirePositive("n_heads", heads);
        requirePositive("n_kv_heads", kvHeads);
        requirePositive("vocab_size", vocabSize);
        requirePositive("seq_len", seqLen);
        if (dim % heads != 0) {
            throw new IllegalArgumentException("dim " + dim + " is not divisible by n_heads " + heads
                    + "; the head size must be a whole number, so check the header values.");
        }
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("n_heads " + heads + " is not divisible by n_kv_heads " + kvHeads
                    + "; each key and value head must serve the same number of query heads.");
        }
        if ((dim / heads) % 2 != 0) {
            throw new IllegalArgumentException("Head size " + (dim / heads) + " (dim " + dim + " / n_heads " + heads
                    + ") is odd, but rotary embeddings rotate pairs of dimensions and need an even head size.");
        }
    }

    /**
     * Parses the seven header fields from the current position of a buffer, reading them as
     * little-endian whatever the buffer's byte order.
     *
     * @param buffer buffer with at least {@link #BYTES} remaining bytes; its position advances by that much
     * @return the header
     * @throws IllegalArgumentException if a field is invalid
     */
    public static Llama2cHeader parse(ByteBuffer buffer) {
        if (buffer.remaining() < BYTES) {
            throw new IllegalArgumentException("A llama2.c header needs " + BYTES + " bytes but only "
                    + buffer.remaining() + " remain.");
        }
        ByteBuffer little = buffer.slice().order(ByteOrder.LITTLE_ENDIAN);
        buffer.position(buffer.position() + BYTES);
        int dim = little.getInt();
        int hiddenDim = little.getInt();
        int layers = little.getInt();
        int heads = little.getInt();
        int kvHeads = little.getInt();
        int signedVocabSize = little.getInt();
        int seqLen = little.getInt();
        if (signedVocabSize == Integer.MIN_VALUE) {
            throw new IllegalArgumentException("vocab_size " + signedVocabSize + " is out of range.");
        }
        return new Llama2cHeader(dim, hiddenDim, layers, heads, kvHeads, Math.abs(signedVocabSize),
                signedVocabSize > 0, seqLen);
    }

    /**
     * Returns the number of dimensions per attention head, {@code dim / heads}.
     *
     * @return the head size
     */
    public int headSize() {
        return dim / heads;
    }

    /**
     * Returns the output width of the key and value projections, {@code kvHeads * headSize()}.
     *
     * @return the key and value width
     */
    public int kvDim() {
        return kvHeads * headSize();
    }

    /**
     * Counts the float32 values that follow the header, including the unused rotary tables
     * ({@code freq_cis_real} and {@code freq_cis_imag}) and the classifier when it is not shared.
     *
     * @return the number of float32 values
     * @throws IllegalArgumentException if the count, or the file size it implies, exceeds the long range
     */
    public long floatCount() {
        // Exact arithmetic: header values up to 2^31 multiply past 2^63, and a count that wrapped around could
        // match a small file and then size the weight arrays.
        try {
            long perLayer = Math.addExact(Math.addExact(Math.addExact(
                    2L * dim, // attention and feed-forward RMSNorm weights
                    2L * (long) dim * dim), // wq: (n_heads * head_size, dim) and wo: (dim, n_heads * head_size)
                    Math.multiplyExact(2L * kvDim(), (long) dim)), // wk and wv: (n_kv_heads * head_size, dim)
                    Math.multiplyExact(3L * hiddenDim, (long) dim)); // w1, w3: (hidden_dim, dim), w2: (dim, hidden_dim)
            long embedding = (long) vocabSize * dim; // token embedding, and the classifier when not shared
            long count = Math.addExact(Math.addExact(Math.addExact(
                    embedding,
                    Math.multiplyExact((long) layers, perLayer)),
                    (long) dim), // final RMSNorm
                    2L * seqLen * (headSize() / 2)); // freq_cis_real and freq_cis_imag
            if (!sharedClassifier) {
                count = Math.addExact(count, embedding);
            }
            Math.addExact(Math.multiplyExact(count, (long) Float.BYTES), (long) BYTES);
            return count;
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("The llama2.c header " + this + " describes more than 2^63 bytes of"
                    + " weights; its values are corrupt.", e);
        }
    }

    /**
     * Returns the exact size in bytes of a legacy checkpoint with this header.
     *
     * @return header bytes plus four bytes per float
     * @throws IllegalArgumentException if the size exceeds the long range
     */
    public long fileSize() {
        return BYTES + Float.BYTES * floatCount();
    }

    /**
     * Writes the seven header fields as little-endian int32 values, with a negative vocab_size when
     * the classifier is not shared.
     *
     * @param buffer buffer with at least {@link #BYTES} remaining bytes; its position advances by that much
     */
    public void writeTo(ByteBuffer buffer) {
        ByteBuffer little = buffer.slice().order(ByteOrder.LITTLE_ENDIAN);
        little.putInt(dim).putInt(hiddenDim).putInt(layers).putInt(heads).putInt(kvHeads)
                .putInt(sharedClassifier ? vocabSize : -vocabSize).putInt(seqLen);
        buffer.position(buffer.position() + BYTES);
    }

    private static void requirePositive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException("Header field " + field + " is " + value
                    + " but must be positive; the file may not be a legacy llama2.c checkpoint.");
        }
    }
}
