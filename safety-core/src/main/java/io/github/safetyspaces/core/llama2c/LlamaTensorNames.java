package io.github.safetyspaces.core.llama2c;

/**
 * Builds the Hugging Face Llama tensor names ({@code LlamaForCausalLM} state dict keys), kept in one
 * place so that checkpoints read here load in transformers and back. The comments name the llama2.c
 * tensor that maps to each name.
 */
public final class LlamaTensorNames {

    /** Token embedding, (vocab, dim); llama2.c {@code token_embedding_table}. */
    public static final String EMBED_TOKENS = "model.embed_tokens.weight";

    /** Final RMSNorm weight, (dim); llama2.c {@code rms_final_weight}. */
    public static final String FINAL_NORM = "model.norm.weight";

    /** Classifier, (vocab, dim); llama2.c {@code wcls}, present only when it is not tied to the embedding. */
    public static final String LM_HEAD = "lm_head.weight";

    private LlamaTensorNames() {
    }

    /**
     * Returns the name of the RMSNorm weight before attention, (dim); llama2.c {@code rms_att_weight}.
     *
     * @param layer block index, from 0
     * @return the tensor name
     */
    public static String inputLayernorm(int layer) {
        return layerPrefix(layer) + "input_layernorm.weight";
    }

    /**
     * Returns the name of the query projection, (heads * headSize, dim); llama2.c {@code wq}.
     *
     * @param layer block index, from 0
     * @return the tensor name
     */
    public static String qProj(int layer) {
        return layerPrefix(layer) + "self_attn.q_proj.weight";
    }

    /**
     * Returns the name of the key projection, (kvHeads * headSize, dim); llama2.c {@code wk}.
     *
     * @param layer block index, from 0
     * @return the tensor name
     */
    public static String kProj(int layer) {
        return layerPrefix(layer) + "self_attn.k_proj.weight";
    }

    /**
     * Returns the name of the value projection, (kvHeads * headSize, dim); llama2.c {@code wv}.
     *
     * @param layer block index, from 0
     * @return the tensor name
     */
    public static String vProj(int layer) {
        return layerPrefix(layer) + "self_attn.v_proj.weight";
    }

    /**
     * Returns the name of the attention output projection, (dim, heads * headSize); llama2.c {@code wo}.
     *
     * @param layer block index, from 0
     * @return the tensor name
     */
    public static String oProj(int layer) {
        return layerPrefix(layer) + "self_attn.o_proj.weight";
    }

    /**
     * Returns the name of the RMSNorm weight before the MLP, (dim); llama2.c {@code rms_ffn_weight}.
     *
     * @param layer block index, from 0
     * @return the tensor name
     */
    public static String postAttentionLayernorm(int layer) {
        return layerPrefix(layer) + "post_attention_layernorm.weight";
    }

    /**
     * Returns the name of the gate projection that goes through SiLU, (hiddenDim, dim); llama2.c {@code w1}.
     *
     * @param layer block index, from 0
     * @return the tensor name
     */
    public static String gateProj(int layer) {
        return layerPrefix(layer) + "mlp.gate_proj.weight";
    }

    /**
     * Returns the name of the MLP output projection, (dim, hiddenDim); llama2.c {@code w2}.
     *
     * @param layer block index, from 0
     * @return the tensor name
     */
    public static String downProj(int layer) {
        return layerPrefix(layer) + "mlp.down_proj.weight";
    }

    /**
     * Returns the name of the up projection, (hiddenDim, dim); llama2.c {@code w3}.
     *
     * @param layer block index, from 0
     * @return the tensor name
     */
    public static String upProj(int layer) {
        return layerPrefix(layer) + "mlp.up_proj.weight";
    }

    private static String layerPrefix(int layer) {
        if (layer < 0) {
            throw new IllegalArgumentException("Layer index " + layer + " is negative; layers count from 0.");
        }
        return "model.layers." + layer + ".";
    }
}
