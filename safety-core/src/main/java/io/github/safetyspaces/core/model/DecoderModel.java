package io.github.safetyspaces.core.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import io.github.safetyspaces.core.checkpoint.FloatTensor;
import io.github.safetyspaces.core.checkpoint.TensorSource;
import io.github.safetyspaces.core.engine.Engines;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Llama-family decoder (Llama, Qwen2) on DJL's PyTorch engine: token embedding, RMSNorm,
 * rotary position embedding in the rotate-half convention, grouped-query attention with causal and
 * padding masks, SwiGLU MLP, and a tied or separate output head.
 *
 * <p>Dimension letters in shape comments: B batch, T new positions, S all key positions (cached
 * plus new), D hidden size, H query heads, K key/value heads, G query heads per key/value head,
 * Dh head width, F intermediate size, V vocabulary.
 *
 * <p>Intermediate arrays are created in the manager of the input ids, so a caller that runs each
 * step in a sub-manager frees them by closing it. Scalars are always NDArrays, never Java numbers:
 * DJL's PyTorch engine can read freed memory in the backward pass of {@code mul(Number)}.
 */
public final class DecoderModel implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DecoderModel.class);

    /** Tensor names some exporters add that carry no weights: rotary tables are recomputed here. */
    private static final String ROTARY_BUFFER_SUFFIX = "rotary_emb.inv_freq";

    private final ModelConfig config;
    private final NDManager manager;
    private final DataType dataType;
    private final Map<String, NDArray> parameters;
    private final NDArray inverseFrequencies;

    private DecoderModel(ModelConfig config, NDManager manager, DataType dataType, Map<String, NDArray> parameters) {
        this.config = config;
        this.manager = manager;
        this.dataType = dataType;
        this.parameters = Collections.unmodifiableMap(parameters);
        this.inverseFrequencies = manager.create(RotaryEmbedding.inverseFrequencies(config))
                .toType(dataType, false); // (Dh/2)
    }

    /**
     * Loads a model from named tensors, checking that every expected tensor is present with its
     * shape and that no unexpected one is.
     *
     * @param config the model configuration
     * @param source tensors with Hugging Face names
     * @param device where the weights live
     * @param dataType {@link DataType#FLOAT32} for normal use, {@link DataType#FLOAT64} for numeric checks
     * @return the model; close it to free its weights
     * @throws IllegalArgumentException listing missing, unexpected and mis-shaped tensors
     */
    public static DecoderModel load(ModelConfig config, TensorSource source, Device device, DataType dataType) {
        if (dataType != DataType.FLOAT32 && dataType != DataType.FLOAT64) {
            throw new IllegalArgumentException("Unsupported model data type " + dataType
                    + ": use float32 (float64 for numeric checks); bf16 and fp16 weights are converted to float32 on load.");
        }
        Map<String, long[]> expected = WeightNames.expectedShapes(config);
        checkNames(config, expected, source);

        NDManager manager = Engines.pytorch().newBaseManager(device);
        Map<String, NDArray> parameters = new LinkedHashMap<>();
        try {
            for (String name : expected.keySet()) {
                FloatTensor tensor = source.read(name);
                NDArray array = manager.create(tensor.data(), new Shape(tensor.shape()));
                if (dataType != DataType.FLOAT32) {
                    NDArray converted = array.toType(dataType, false);
                    array.close();
                    array = converted;
                }
                array.setName(name);
                parameters.put(name, array);
            }
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        LOG.debug("Loaded {} tensors, {} parameters, on {}", parameters.size(), config.parameterCount(), device);
        return new DecoderModel(config, manager, dataType, parameters);
    }

    private static void checkNames(ModelConfig config, Map<String, long[]> expected, TensorSource source) {
        Set<String> present = source.names();
        List<String> missing = new ArrayList<>();
        List<String> misShaped = new ArrayList<>();
        for (Map.Entry<String, long[]> entry : expected.entrySet()) {
            String name = entry.getKey();
            if (!present.contains(name)) {
                missing.add(name);
            } else if (!Arrays.equals(entry.getValue(), source.shape(name))) {
                misShaped.add(name + " " + Arrays.toString(source.shape(name)) + " (expected "
                        + Arrays.toString(entry.getValue()) + ")");
            }
        }
        Set<String> unexpected = new LinkedHashSet<>();
        for (String name : present) {
            if (expected.containsKey(name) || name.endsWith(ROTARY_BUFFER_SUFFIX)) {
                continue;
            }
            if (name.equals(WeightNames.LM_HEAD) && config.tieWordEmbeddings()) {
                // Some exporters save the tied head as well; transformers ignores it, and so do we.
                LOG.info("Ignoring {}: tie_word_embeddings is true, so the output head is the embedding.", name);
                continue;
            }
            unexpected.add(name);
        }
        if (missing.isEmpty() && unexpected.isEmpty() && misShaped.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder("Checkpoint does not match its configuration (")
                .append(config.architecture().className()).append(", ").append(config.numLayers()).append(" layers):");
        if (!missing.isEmpty()) {
            message.append("\n  missing tensors: ").append(missing);
        }
        if (!unexpected.isEmpty()) {
            message.append("\n  unexpected tensors: ").append(unexpected);
        }
        if (!misShaped.isEmpty()) {
            message.append("\n  tensors of the wrong shape: ").append(misShaped);
        }
        message.append("\nCheck that config.json belongs to these weights.");
        throw new IllegalArgumentException(message.toString());
    }

    /** Returns the configuration. */
    public ModelConfig config() {
        return config;
    }

    /** Returns the data type of the weights and activations. */
    public DataType dataType() {
        return dataType;
    }

    /** Returns the manager that owns the weights; sub-managers of it are the natural step scopes. */
    public NDManager manager() {
        return manager;
    }

    /**
     * Returns the weights by Hugging Face name, in checkpoint order. Training code may turn on their
     * gradients and update them in place.
     *
     * @return an unmodifiable view of the parameters
     */
    public Map<String, NDArray> parameters() {
        return parameters;
    }

    /**
     * Copies one weight into a float32 tensor, for saving or comparison.
     *
     * @param name Hugging Face tensor name
     * @return the weight's values
     */
    public FloatTensor weight(String name) {
        NDArray array = parameters.get(name);
        if (array == null) {
            throw new IllegalArgumentException("No weight named '" + name + "'.");
        }
        if (array.getDataType() == DataType.FLOAT32) {
            return new FloatTensor(array.getShape().getShape(), array.toFloatArray());
        }
        try (NDArray converted = array.toType(DataType.FLOAT32, false)) {
            return new FloatTensor(array.getShape().getShape(), converted.toFloatArray());
        }
    }

    /**
     * Returns a view of the current weights as named tensors, for writing a checkpoint. Each read
     * copies one weight to float32, so a writer that streams tensors holds one copy at a time.
     *
     * @return the view; it reads the live weights, so read it while the model is open
     */
    public TensorSource asTensorSource() {
        return new TensorSource() {
            @Override
            public Set<String> names() {
                return parameters.keySet();
            }

            @Override
            public long[] shape(String name) {
                NDArray array = parameters.get(name);
                if (array == null) {
                    throw new IllegalArgumentException("No weight named '" + name + "'.");
                }
                return array.getShape().getShape();
            }

            @Override
            public FloatTensor read(String name) {
                return weight(name);
            }
        };
    }

    /**
     * Runs the decoder over a batch.
     *
     * @param inputIds {@code (B, T)} int64 token ids, in the manager that should own the temporaries
     * @param attentionMask {@code (B, S)} with 1 for real and 0 for padding positions, covering cached
     *     and new positions; null means no padding
     * @param positionIds {@code (B, T)} int64 rotary positions; null derives them from the mask
     *     (real tokens counted from 0, as Hugging Face does for left padding)
     * @param cache keys and values of earlier positions, extended by this call; null for a full pass
     * @return logits {@code (B, T, V)}
     */
    public NDArray forward(NDArray inputIds, NDArray attentionMask, NDArray positionIds, KvCache cache) {
        return forward(inputIds, attentionMask, positionIds, cache, null);
    }

    /**
     * Runs the decoder over a batch and records the residual stream after the embedding and after
     * every layer.
     *
     * <p>All {@code numLayers + 1} recorded arrays are taken before the final norm. Hugging Face's
     * {@code output_hidden_states=True} returns the same entries except the last, which transformers
     * returns after the final norm ({@code model.norm}).
     *
     * @param inputIds {@code (B, T)} int64 token ids, in the manager that should own the temporaries
     * @param attentionMask {@code (B, S)} with 1 for real and 0 for padding positions, covering cached
     *     and new positions; null means no padding
     * @param positionIds {@code (B, T)} int64 rotary positions; null derives them from the mask
     * @param cache keys and values of earlier positions, extended by this call; null for a full pass
     * @param hiddenStates receives {@code numLayers + 1} arrays {@code (B, T, D)} in the manager of
     *     {@code inputIds}: index 0 the embedding output, index {@code i} the output of layer
     *     {@code i - 1}; null records nothing
     * @return logits {@code (B, T, V)}
     */
    public NDArray forward(NDArray inputIds, NDArray attentionMask, NDArray positionIds, KvCache cache,
            List<NDArray> hiddenStates) {
        NDArray x = runLayers(inputIds, attentionMask, positionIds, cache, hiddenStates, config.numLayers());

        // Final norm and output head.
        NDArray embedding = parameters.get(WeightNames.EMBED_TOKENS);
        NDArray head = config.tieWordEmbeddings() ? embedding : parameters.get(WeightNames.LM_HEAD);
        return linear(finalNorm(x), head, null); // (B, T, V)
    }

    /**
     * Runs the embedding and the first {@code layerCount} decoder layers of a full pass, without the
     * final norm and the output head, and returns the residual stream after each of them. Skipping
     * the head saves a {@code (B, T, V)} logits array, which for a vocabulary of 150,000 tokens is far
     * larger than every hidden state together.
     *
     * <p>Every entry is taken before the final norm, as in {@link #forward(NDArray, NDArray, NDArray,
     * KvCache, List)}; apply {@link #finalNorm(NDArray)} to entry {@code numLayers} to get the last
     * entry of Hugging Face's {@code hidden_states}.
     *
     * @param inputIds {@code (B, T)} int64 token ids, in the manager that should own the temporaries
     * @param attentionMask {@code (B, T)} with 1 for real and 0 for padding positions; null means no
     *     padding. Positions are derived from it, so left and right padding both work.
     * @param layerCount number of decoder layers to run, in [0, numLayers]
     * @return {@code layerCount + 1} arrays {@code (B, T, D)}: index 0 the embedding output, index
     *     {@code i} the output of layer {@code i - 1}
     */
    public List<NDArray> residualStream(NDArray inputIds, NDArray attentionMask, int layerCount) {
        if (layerCount < 0 || layerCount > config.numLayers()) {
            throw new IllegalArgumentException("layerCount " + layerCount + " is outside [0, "
                    + config.numLayers() + "]; the model has " + config.numLayers() + " decoder layers.");
        }
        List<NDArray> hiddenStates = new ArrayList<>(layerCount + 1);
        runLayers(inputIds, attentionMask, null, null, hiddenStates, layerCount);
        return hiddenStates;
    }

    /**
     * Applies the final RMSNorm ({@code model.norm}), the step between the last decoder layer and
     * the output head.
     *
     * @param hidden {@code (..., D)} residual-stream states; the result goes to their manager
     * @return the normed states, same shape
     */
    public NDArray finalNorm(NDArray hidden) {
        Scalars scalars = new Scalars(hidden.getManager(), dataType, config);
        return rmsNorm(hidden, parameters.get(WeightNames.FINAL_NORM), scalars);
    }

    /** Runs the embedding and {@code layerCount} decoder layers; returns the last residual state (B, T, D). */
    private NDArray runLayers(NDArray inputIds, NDArray attentionMask, NDArray positionIds, KvCache cache,
            List<NDArray> hiddenStates, int layerCount) {
        NDManager scope = inputIds.getManager();
        long batch = inputIds.getShape().get(0);
        long length = inputIds.getShape().get(1);
        int past = cache == null ? 0 : cache.length();

        // Masks and positions.
        NDArray keyMask = attentionMask != null ? inScope(attentionMask, scope)
                : scope.ones(new Shape(batch, past + length), DataType.INT64);
        if (keyMask.getShape().get(1) != past + length) {
            throw new IllegalArgumentException("attentionMask covers " + keyMask.getShape().get(1)
                    + " positions but the cache holds " + past + " and " + length + " are new.");
        }
        if (positionIds != null) {
            positionIds = inScope(positionIds, scope);
        } else {
            positionIds = AttentionMasks.positionsFromMask(keyMask).get(":, " + past + ":");
        }
        NDArray maskBias = AttentionMasks.additiveMask(keyMask, past, length, dataType); // (B, 1, 1, T, S)
        NDArray[] rotary = RotaryEmbedding.cosSin(positionIds, inverseFrequencies, dataType); // (B, 1, T, Dh) x2
        Scalars scalars = new Scalars(scope, dataType, config);

        // Token embedding.
        NDArray embedding = parameters.get(WeightNames.EMBED_TOKENS);
        // torch.embedding, not indexing: the backward of indexing adds rows with atomic float adds on
        // several threads, so the embedding gradient changed from one process to the next.
        NDArray x = embedding.getNDArrayInternal().embedding(inputIds, embedding, SparseFormat.DENSE)
                .singletonOrThrow(); // (B, T, D)
        x.attach(scope);
        if (hiddenStates != null) {
            hiddenStates.add(x);
        }

        // Decoder layers.
        for (int layer = 0; layer < layerCount; layer++) {
            // A scope per layer frees its temporaries (attention scores above all) as soon as its
            // output exists. Without it, a batched prefill of 48 prompts of about 300 tokens held
            // every layer's scores at once: a 4 GB peak for stories260K. Autograd keeps what the
            // backward pass needs by reference, so training is unaffected.
            try (NDManager layerScope = scope.newSubManager()) {
                x.tempAttach(layerScope);
                NDArray output = decoderLayer(layer, x, maskBias, rotary, cache, scalars);
                output.attach(scope);
                x = output;
            }
            if (hiddenStates != null) {
                hiddenStates.add(x);
            }
        }
        return x;
    }

    private NDArray decoderLayer(int layer, NDArray x, NDArray maskBias, NDArray[] rotary, KvCache cache,
            Scalars scalars) {
        // Attention block with a residual connection.
        NDArray normed = rmsNorm(x, weight(layer, "input_layernorm.weight"), scalars);
        x = x.add(attention(layer, normed, maskBias, rotary, cache, scalars));

        // MLP block with a residual connection.
        normed = rmsNorm(x, weight(layer, "post_attention_layernorm.weight"), scalars);
        return x.add(mlp(layer, normed));
    }

    private NDArray attention(int layer, NDArray x, NDArray maskBias, NDArray[] rotary, KvCache cache,
            Scalars scalars) {
        long batch = x.getShape().get(0);
        long length = x.getShape().get(1);
        int heads = config.numHeads();
        int kvHeads = config.numKvHeads();
        int headDim = config.headDim();
        int group = config.groupSize();

        // Projections to heads.
        NDArray q = linear(x, layer, "self_attn.q_proj")
                .reshape(batch, length, heads, headDim).transpose(0, 2, 1, 3); // (B, H, T, Dh)
        NDArray k = linear(x, layer, "self_attn.k_proj")
                .reshape(batch, length, kvHeads, headDim).transpose(0, 2, 1, 3); // (B, K, T, Dh)
        NDArray v = linear(x, layer, "self_attn.v_proj")
                .reshape(batch, length, kvHeads, headDim).transpose(0, 2, 1, 3); // (B, K, T, Dh)

        // Rotary position embedding, then the cache.
        q = RotaryEmbedding.apply(q, rotary[0], rotary[1]);
        k = RotaryEmbedding.apply(k, rotary[0], rotary[1]);
        if (cache != null) {
            NDArray[] all = cache.append(layer, k, v);
            k = all[0]; // (B, K, S, Dh)
            v = all[1];
        }
        long keyLength = k.getShape().get(2);

        // Scaled dot products. Query head h reads key/value head h / G, so the G query heads of
        // one group are stacked along the position axis instead of copying the keys G times.
        NDArray grouped = q.reshape(batch, kvHeads, (long) group * length, headDim); // (B, K, G*T, Dh)
        NDArray scores = grouped.matMul(k.transpose(0, 1, 3, 2)).mul(scalars.attentionScale) // (B, K, G*T, S)
                .reshape(batch, kvHeads, group, length, keyLength)
                .add(maskBias); // (B, K, G, T, S)
        NDArray probabilities = scores.softmax(4).reshape(batch, kvHeads, (long) group * length, keyLength);

        // Weighted values, heads merged, output projection.
        NDArray context = probabilities.matMul(v) // (B, K, G*T, Dh)
                .reshape(batch, heads, length, headDim)
                .transpose(0, 2, 1, 3)
                .reshape(batch, length, (long) heads * headDim); // (B, T, H*Dh)
        return linear(context, layer, "self_attn.o_proj"); // (B, T, D)
    }

    private NDArray mlp(int layer, NDArray x) {
        NDArray gate = linear(x, layer, "mlp.gate_proj"); // (B, T, F)
        NDArray up = linear(x, layer, "mlp.up_proj"); // (B, T, F)
        // SiLU written out: DJL's Activation.swish takes a Java scalar, which breaks gradients.
        NDArray activated = gate.mul(gate.getNDArrayInternal().sigmoid()).mul(up);
        return linear(activated, layer, "mlp.down_proj"); // (B, T, D)
    }

    private NDArray linear(NDArray x, int layer, String module) {
        return linear(x, weight(layer, module + ".weight"), parameters.get(WeightNames.layer(layer, module + ".bias")));
    }

    /**
     * Computes {@code x W^T + b} with libtorch's fused linear operator. Unlike
     * {@code x.matMul(w.transpose())}, it creates nothing in the weight's manager: DJL places the
     * result of {@code w.transpose()} in the manager of {@code w}, the model's, where every forward
     * pass would leave one array per weight until the model is closed.
     */
    private static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return x.getNDArrayInternal().linear(x, weight, bias).singletonOrThrow();
    }

    /**
     * Returns the array itself when it lives in {@code scope}, else a copy that does. Operations
     * put their results in the manager of their first operand, so a mask kept by the caller in a
     * long-lived manager would otherwise collect this pass's temporaries there.
     */
    private static NDArray inScope(NDArray array, NDManager scope) {
        if (array.getManager() == scope) {
            return array;
        }
        NDArray copy = array.duplicate();
        copy.attach(scope);
        return copy;
    }

    private static NDArray rmsNorm(NDArray x, NDArray weight, Scalars scalars) {
        int last = x.getShape().dimension() - 1;
        NDArray meanSquare = x.mul(x).mean(new int[] {last}, true); // (..., 1)
        return x.div(meanSquare.add(scalars.rmsNormEps).sqrt()).mul(weight);
    }

    private NDArray weight(int layer, String suffix) {
        return parameters.get(WeightNames.layer(layer, suffix));
    }

    /** Frees the weights. */
    @Override
    public void close() {
        manager.close();
    }

    /** Scalar constants of one forward pass, as arrays in the pass's manager (see the class comment). */
    private static final class Scalars {
        final NDArray rmsNormEps;
        final NDArray attentionScale;

        Scalars(NDManager scope, DataType dataType, ModelConfig config) {
            rmsNormEps = scalar(scope, dataType, config.rmsNormEps());
            attentionScale = scalar(scope, dataType, 1.0 / Math.sqrt(config.headDim()));
        }
    }

    static NDArray scalar(NDManager scope, DataType dataType, double value) {
        if (dataType == DataType.FLOAT64) {
            return scope.create(value);
        }
        return scope.full(new Shape(), (float) value, dataType);
    }
}
