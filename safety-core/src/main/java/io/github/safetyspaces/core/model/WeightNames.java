package io.github.safetyspaces.core.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Hugging Face tensor names of a Llama-family checkpoint and their shapes, kept in one place so
 * that a checkpoint written here loads in transformers and back.
 */
public final class WeightNames {

    /** Token embedding matrix, (vocab, hidden). */
    public static final String EMBED_TOKENS = "model.embed_tokens.weight";
    /** Final RMSNorm weight, (hidden). */
    public static final String FINAL_NORM = "model.norm.weight";
    /** Output head, (vocab, hidden); absent when the embedding is tied. */
    public static final String LM_HEAD = "lm_head.weight";

    private static final Pattern LAYER_NAME = Pattern.compile("^model\\.layers\\.(\\d+)\\.");

    private WeightNames() {
    }

    /**
     * Returns the name of a tensor of decoder layer {@code layer}.
     *
     * @param layer layer index from 0
     * @param suffix for example {@code self_attn.q_proj.weight}
     * @return for example {@code model.layers.3.self_attn.q_proj.weight}
     */
    public static String layer(int layer, String suffix) {
        return "model.layers." + layer + "." + suffix;
    }

    /** Returns the name of layer {@code layer}'s RMSNorm weight before attention. */
    public static String inputLayernorm(int layer) {
        return layer(layer, "input_layernorm.weight");
    }

    /** Returns the name of layer {@code layer}'s query projection weight, (heads * headDim, hidden). */
    public static String qProj(int layer) {
        return layer(layer, "self_attn.q_proj.weight");
    }

    /** Returns the name of layer {@code layer}'s key projection weight, (kvHeads * headDim, hidden). */
    public static String kProj(int layer) {
        return layer(layer, "self_attn.k_proj.weight");
    }

    /** Returns the name of layer {@code layer}'s value projection weight, (kvHeads * headDim, hidden). */
    public static String vProj(int layer) {
        return layer(layer, "self_attn.v_proj.weight");
    }

    /** Returns the name of layer {@code layer}'s attention output projection weight, (hidden, heads * headDim). */
    public static String oProj(int layer) {
        return layer(layer, "self_attn.o_proj.weight");
    }

    /** Returns the name of layer {@code layer}'s RMSNorm weight before the MLP. */
    public static String postAttentionLayernorm(int layer) {
        return layer(layer, "post_attention_layernorm.weight");
    }

    /** Returns the name of layer {@code layer}'s MLP gate projection weight (llama2.c's w1). */
    public static String gateProj(int layer) {
        return layer(layer, "mlp.gate_proj.weight");
    }

    /** Returns the name of layer {@code layer}'s MLP down projection weight (llama2.c's w2). */
    public static String downProj(int layer) {
        return layer(layer, "mlp.down_proj.weight");
    }

    /** Returns the name of layer {@code layer}'s MLP up projection weight (llama2.c's w3). */
    public static String upProj(int layer) {
        return layer(layer, "mlp.up_proj.weight");
    }

    /**
     * Parses the decoder layer index from a tensor name.
     *
     * @param name a tensor name
     * @return the layer index, or empty for tensors outside the decoder layers (embedding, final norm, head)
     */
    public static OptionalInt layerIndex(String name) {
        Matcher matcher = LAYER_NAME.matcher(name);
        return matcher.find() ? OptionalInt.of(Integer.parseInt(matcher.group(1))) : OptionalInt.empty();
    }

    /**
     * Lists every tensor a checkpoint of this configuration must contain, with its shape, in the
     * order of the forward pass.
     *
     * @param config the model configuration
     * @return shapes by name
     */
    public static Map<String, long[]> expectedShapes(ModelConfig config) {
        long hidden = config.hiddenSize();
        long qDim = (long) config.numHeads() * config.headDim();
        long kvDim = (long) config.numKvHeads() * config.headDim();
        long intermediate = config.intermediateSize();

        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put(EMBED_TOKENS, new long[] {config.vocabSize(), hidden});
        for (int i = 0; i < config.numLayers(); i++) {
            shapes.put(layer(i, "input_layernorm.weight"), new long[] {hidden});
            shapes.put(layer(i, "self_attn.q_proj.weight"), new long[] {qDim, hidden});
            shapes.put(layer(i, "self_attn.k_proj.weight"), new long[] {kvDim, hidden});
            shapes.put(layer(i, "self_attn.v_proj.weight"), new long[] {kvDim, hidden});
            if (config.qkvBias()) {
                shapes.put(layer(i, "self_attn.q_proj.bias"), new long[] {qDim});
                shapes.put(layer(i, "self_attn.k_proj.bias"), new long[] {kvDim});
                shapes.put(layer(i, "self_attn.v_proj.bias"), new long[] {kvDim});
            }
            shapes.put(layer(i, "self_attn.o_proj.weight"), new long[] {hidden, qDim});
            if (config.outputBias()) {
                shapes.put(layer(i, "self_attn.o_proj.bias"), new long[] {hidden});
            }
            shapes.put(layer(i, "post_attention_layernorm.weight"), new long[] {hidden});
            shapes.put(layer(i, "mlp.gate_proj.weight"), new long[] {intermediate, hidden});
            shapes.put(layer(i, "mlp.up_proj.weight"), new long[] {intermediate, hidden});
            shapes.put(layer(i, "mlp.down_proj.weight"), new long[] {hidden, intermediate});
            if (config.mlpBias()) {
                shapes.put(layer(i, "mlp.gate_proj.bias"), new long[] {intermediate});
                shapes.put(layer(i, "mlp.up_proj.bias"), new long[] {intermediate});
                shapes.put(layer(i, "mlp.down_proj.bias"), new long[] {hidden});
            }
        }
        shapes.put(FINAL_NORM, new long[] {hidden});
        if (!config.tieWordEmbeddings()) {
            shapes.put(LM_HEAD, new long[] {config.vocabSize(), hidden});
        }
        return shapes;
    }
}
