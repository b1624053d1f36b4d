package io.github.safetyspaces.core.model;

import java.util.List;
import java.util.Objects;

/**
 * The shape and hyper-parameters of a Llama-family decoder, as read from a Hugging Face
 * {@code config.json} by {@link ModelConfigJson}.
 *
 * <p>Field names follow {@code config.json}: {@code hiddenSize} is {@code hidden_size} and so on.
 * The record is immutable and validated when built, so a model never starts from an inconsistent
 * configuration.
 *
 * @param architecture Llama or Qwen2
 * @param hiddenSize width of the residual stream ({@code hidden_size})
 * @param intermediateSize width of the MLP ({@code intermediate_size})
 * @param numLayers decoder layers ({@code num_hidden_layers})
 * @param numHeads query heads ({@code num_attention_heads})
 * @param numKvHeads key and value heads; fewer than {@code numHeads} means grouped-query attention
 * @param headDim width of one head ({@code head_dim}, by default {@code hiddenSize / numHeads})
 * @param rmsNormEps epsilon of RMSNorm
 * @param ropeTheta base of the rotary frequencies
 * @param ropeScaling the {@code llama3} frequency scaling, or null for none
 * @param maxPositions {@code max_position_embeddings}, kept for export; generation does not enforce it
 * @param qkvBias whether the query, key and value projections have a bias
 * @param outputBias whether the attention output projection has a bias
 * @param mlpBias whether the MLP projections have a bias
 * @param tieWordEmbeddings whether the output head reuses the token embedding matrix
 * @param vocabSize rows of the embedding matrix
 * @param bosTokenId beginning-of-sequence id, or null when the model has none
 * @param eosTokenIds end-of-sequence ids (Llama 3 instruct models have several)
 * @param torchDtype the {@code torch_dtype} the checkpoint declares, such as {@code bfloat16}
 */
public record ModelConfig(
        ModelArchitecture architecture,
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        double rmsNormEps,
        double ropeTheta,
        RopeScaling ropeScaling,
        int maxPositions,
        boolean qkvBias,
        boolean outputBias,
        boolean mlpBias,
        boolean tieWordEmbeddings,
        int vocabSize,
        Integer bosTokenId,
        List<Integer> eosTokenIds,
        String torchDtype) {

    /** The {@code torch_dtype} values a checkpoint may declare. */
    public static final List<String> TORCH_DTYPES = List.of("float32", "float16", "bfloat16");

    /** Validates every field; messages use the {@code config.json} names. */
    public ModelConfig {
        Objects.requireNonNull(architecture, "architecture");
        requirePositive("hidden_size", hiddenSize);
        requirePositive("intermediate_size", intermediateSize);
        requirePositive("num_hidden_layers", numLayers);
        requirePositive("num_attention_heads", numHeads);
        requirePositive("num_key_value_heads", numKvHeads);
        requirePositive("head_dim", headDim);
        requirePositive("vocab_size", vocabSize);
        requirePositive("max_position_embeddings", maxPositions);
        if (numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads (" + numHeads
                    + ") must be a multiple of num_key_value_heads (" + numKvHeads + ").");
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("head_dim must be even for rotary embeddings, got " + headDim);
        }
        if (!(rmsNormEps > 0) || Double.isInfinite(rmsNormEps)) {
            throw new IllegalArgumentException("rms_norm_eps must be a positive number, got " + rmsNormEps);
        }
        if (!(ropeTheta > 0) || Double.isInfinite(ropeTheta)) {
            throw new IllegalArgumentException("rope_theta must be a positive number, got " + ropeTheta);
        }
        if (bosTokenId != null) {
            requireTokenId("bos_token_id", bosTokenId, vocabSize);
        }
        eosTokenIds = List.copyOf(eosTokenIds);
        for (int eos : eosTokenIds) {
            requireTokenId("eos_token_id", eos, vocabSize);
        }
        if (!TORCH_DTYPES.contains(torchDtype)) {
            throw new IllegalArgumentException("Unsupported torch_dtype '" + torchDtype + "': use one of " + TORCH_DTYPES);
        }
    }

    /**
     * Returns a copy that declares another storage type.
     *
     * @param dtype one of {@link #TORCH_DTYPES}
     * @return the configuration with {@code torch_dtype} replaced
     */
    public ModelConfig withTorchDtype(String dtype) {
        return new ModelConfig(architecture, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads, headDim,
                rmsNormEps, ropeTheta, ropeScaling, maxPositions, qkvBias, outputBias, mlpBias, tieWordEmbeddings,
                vocabSize, bosTokenId, eosTokenIds, dtype);
    }

    /** Returns how many query heads share one key/value head. */
    public int groupSize() {
        return numHeads / numKvHeads;
    }

    /**
     * Returns the number of parameters, counting a tied embedding once.
     *
     * @return the parameter count
     */
    public long parameterCount() {
        long qDim = (long) numHeads * headDim;
        long kvDim = (long) numKvHeads * headDim;
        long attention = hiddenSize * qDim + 2 * hiddenSize * kvDim + qDim * hiddenSize;
        if (qkvBias) {
            attention += qDim + 2 * kvDim;
        }
        if (outputBias) {
            attention += hiddenSize;
        }
        long mlp = 3L * hiddenSize * intermediateSize + (mlpBias ? 2L * intermediateSize + hiddenSize : 0);
        long perLayer = attention + mlp + 2L * hiddenSize;
        long embedding = (long) vocabSize * hiddenSize;
        return embedding * (tieWordEmbeddings ? 1 : 2) + numLayers * perLayer + hiddenSize;
    }

    private static void requirePositive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(field + " must be positive, got " + value);
        }
    }

    private static void requireTokenId(String field, int id, int vocabSize) {
        if (id < 0 || id >= vocabSize) {
            throw new IllegalArgumentException(field + " " + id + " is outside the vocabulary [0, " + vocabSize + ").");
        }
    }
}
