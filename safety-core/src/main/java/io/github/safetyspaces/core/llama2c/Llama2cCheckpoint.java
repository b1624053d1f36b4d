package io.github.safetyspaces.core.llama2c;

import io.github.safetyspaces.core.checkpoint.FloatTensor;
import io.github.safetyspaces.core.checkpoint.InMemoryTensors;
import io.github.safetyspaces.core.checkpoint.TensorSource;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.github.safetyspaces.core.model.ModelArchitecture;
import io.github.safetyspaces.core.model.ModelConfig;
import io.github.safetyspaces.core.model.WeightNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A legacy (version 0) llama2.c checkpoint, as written by {@code legacy_export} in llama2.c's
 * {@code export.py}, with its weights renamed to Hugging Face Llama names.
 *
 * <p>After the {@linkplain Llama2cHeader header} the file contains float32 values, little-endian, with all
 * layers of one kind stored together: token_embedding_table (vocab, dim); rms_att_weight (layers, dim);
 * wq (layers, heads * headSize, dim); wk and wv (layers, kvHeads * headSize, dim); wo (layers, dim,
 * heads * headSize); rms_ffn_weight (layers, dim); w1 (layers, hiddenDim, dim); w2 (layers, dim,
 * hiddenDim); w3 (layers, hiddenDim, dim); rms_final_weight (dim); freq_cis_real and freq_cis_imag
 * (seqLen, headSize / 2); and wcls (vocab, dim) only when the classifier is not shared. Each matrix is a
 * PyTorch {@code nn.Linear.weight}, so it is (out_features, in_features) in row-major order, the
 * orientation Hugging Face uses too. The {@code TransformerWeights} comments in llama2.c's {@code run.c}
 * give wq, wk, wv and wo as (in_features, out_features), but its {@code matmul} reads every matrix as
 * (out_features, in_features).
 *
 * <p>The rotary tables are skipped because llama2.c's current {@code run.c} computes RoPE itself with
 * theta 10000, and the query and key projections are permuted to the rotate-half layout (see
 * {@link RotaryPermutation}).
 */
public final class Llama2cCheckpoint {

    private static final Logger LOG = LoggerFactory.getLogger(Llama2cCheckpoint.class);

    /** First int32 of llama2.c exports of version 1 and later, "ak42" in ASCII. */
    private static final int VERSIONED_MAGIC = 0x616b3432;

    /** Bytes read from the file per call, so memory use does not grow with tensor size. */
    private static final int READ_CHUNK_BYTES = 1 << 20;

    /** Epsilon of llama2.c's {@code rmsnorm} in {@code run.c}. */
    private static final double LLAMA2C_RMS_NORM_EPS = 1e-5;
    /** Base of llama2.c's rotary frequencies in {@code run.c}. */
    private static final double LLAMA2C_ROPE_THETA = 10000;
    private static final int BOS_ID = 1;
    private static final int EOS_ID = 2;

    private final Llama2cHeader header;
    private final TensorSource tensors;

    private Llama2cCheckpoint(Llama2cHeader header, TensorSource tensors) {
        this.header = header;
        this.tensors = tensors;
    }

    /**
     * Reads a legacy llama2.c checkpoint fully into memory.
     *
     * <p>NOTE: every weight is held on the heap as float32, which suits the small tinyllamas checkpoints.
     * Larger exports, such as a 7B model, would need a TensorSource that reads tensors on demand.
     *
     * @param bin path of the {@code .bin} file
     * @return the checkpoint
     * @throws IllegalArgumentException if the header is invalid, the file is a versioned llama2.c export,
     *     or the file size differs from the size the header requires
     * @throws UncheckedIOException if the file cannot be read
     */
    public static Llama2cCheckpoint read(Path bin) {
        long startNanos = System.nanoTime();
        try (FileChannel channel = FileChannel.open(bin, StandardOpenOption.READ)) {
            Llama2cHeader header = readHeader(bin, channel);
            Map<String, FloatTensor> weights = readWeights(header, new FloatReader(channel));
            LOG.info("Read llama2.c checkpoint {}: {}, {} tensors in {} ms", bin, header, weights.size(),
                    (System.nanoTime() - startNanos) / 1_000_000);
            return new Llama2cCheckpoint(header, new InMemoryTensors(weights));
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to read llama2.c checkpoint " + bin + ": " + e.getMessage(), e);
        }
    }

    /**
     * Describes this checkpoint as a Hugging Face Llama configuration.
     *
     * <p>llama2.c fixes what its header does not store: RoPE theta 10000, RMSNorm epsilon 1e-5, no
     * biases, BOS id 1 and EOS id 2 (the sentencepiece convention of its tokenizers). The context
     * length becomes {@code max_position_embeddings}.
     *
     * @return the configuration
     */
    public ModelConfig config() {
        return new ModelConfig(ModelArchitecture.LLAMA, header.dim(), header.hiddenDim(), header.layers(),
                header.heads(), header.kvHeads(), header.headSize(), LLAMA2C_RMS_NORM_EPS, LLAMA2C_ROPE_THETA, null,
                header.seqLen(), false, false, false, header.sharedClassifier(), header.vocabSize(), BOS_ID,
                List.of(EOS_ID), "float32");
    }

    /**
     * Returns the configuration from the file header.
     *
     * @return the header
     */
    public Llama2cHeader header() {
        return header;
    }

    /**
     * Returns the weights under Hugging Face Llama names (see {@link WeightNames}), with q_proj and
     * k_proj in rotate-half layout and {@code lm_head.weight} present only when the classifier is not
     * shared with the embedding.
     *
     * @return the tensors, held in memory; closing the source is not needed
     */
    public TensorSource tensors() {
        return tensors;
    }

    private static Llama2cHeader readHeader(Path bin, FileChannel channel) throws IOException {
        long actualSize = channel.size();
        if (actualSize < Llama2cHeader.BYTES) {
            throw new IllegalArgumentException("llama2.c checkpoint " + bin + " has " + actualSize
                    + " bytes, fewer than the " + Llama2cHeader.BYTES + "-byte header; the file is truncated.");
        }
        ByteBuffer buffer = ByteBuffer.allocate(Llama2cHeader.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, buffer);
        buffer.flip();
        if (buffer.getInt(0) == VERSIONED_MAGIC) {
            throw new IllegalArgumentException("llama2.c checkpoint " + bin + " is a versioned export (version "
                    + buffer.getInt(Integer.BYTES) + "), but only the legacy format is supported; export it"
                    + " again with export.py --version 0.");
        }

        Llama2cHeader header;
        try {
            header = Llama2cHeader.parse(buffer);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid header in llama2.c checkpoint " + bin + ": "
                    + e.getMessage(), e);
        }

        // config() gives BOS id 1 and EOS id 2, which a smaller vocabulary cannot hold.
        if (header.vocabSize() <= EOS_ID) {
            throw new IllegalArgumentException("llama2.c checkpoint " + bin + " has vocab_size " + header.vocabSize()
                    + ", but llama2.c's tokens need at least " + (EOS_ID + 1) + " (<unk>, BOS and EOS).");
        }

        long expectedSize;
        try {
            expectedSize = header.fileSize();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid header in llama2.c checkpoint " + bin + ": " + e.getMessage(),
                    e);
        }
        if (actualSize != expectedSize) {
            String problem = actualSize < expectedSize ? "is truncated" : "has extra data at the end";
            throw new IllegalArgumentException("llama2.c checkpoint " + bin + " has " + actualSize
                    + " bytes but its header (" + header + ") requires exactly " + expectedSize + " bytes; the file "
                    + problem + " or is not a legacy llama2.c checkpoint.");
        }
        return header;
    }

    private static Map<String, FloatTensor> readWeights(Llama2cHeader header, FloatReader reader) throws IOException {
        int dim = header.dim();
        int qDim = header.heads() * header.headSize();
        int kvDim = header.kvDim();
        int hidden = header.hiddenDim();
        int layers = header.layers();

        // Read in file order, where all layers of one kind are stored together.
        FloatTensor embedding = reader.read(header.vocabSize(), dim);
        FloatTensor[] attentionNorm = reader.readLayers(layers, dim);
        FloatTensor[] wq = reader.readLayers(layers, qDim, dim);
        FloatTensor[] wk = reader.readLayers(layers, kvDim, dim);
        FloatTensor[] wv = reader.readLayers(layers, kvDim, dim);
        FloatTensor[] wo = reader.readLayers(layers, dim, qDim);
        FloatTensor[] ffnNorm = reader.readLayers(layers, dim);
        FloatTensor[] w1 = reader.readLayers(layers, hidden, dim);
        FloatTensor[] w2 = reader.readLayers(layers, dim, hidden);
        FloatTensor[] w3 = reader.readLayers(layers, hidden, dim);
        FloatTensor finalNorm = reader.read(dim);

        // freq_cis_real and freq_cis_imag are not needed because RoPE is recomputed from theta.
        reader.skip(2L * header.seqLen() * (header.headSize() / 2));
        FloatTensor classifier = header.sharedClassifier() ? null : reader.read(header.vocabSize(), dim);

        // Rename in Hugging Face state dict order, one layer after another.
        Map<String, FloatTensor> named = new LinkedHashMap<>();
        named.put(WeightNames.EMBED_TOKENS, embedding);
        for (int layer = 0; layer < layers; layer++) {
            named.put(WeightNames.inputLayernorm(layer), attentionNorm[layer]);
            named.put(WeightNames.qProj(layer),
                    RotaryPermutation.permuteForRotateHalf(wq[layer], header.heads()));
            named.put(WeightNames.kProj(layer),
                    RotaryPermutation.permuteForRotateHalf(wk[layer], header.kvHeads()));
            named.put(WeightNames.vProj(layer), wv[layer]);
            named.put(WeightNames.oProj(layer), wo[layer]);
            named.put(WeightNames.postAttentionLayernorm(layer), ffnNorm[layer]);
            named.put(WeightNames.gateProj(layer), w1[layer]);
            named.put(WeightNames.downProj(layer), w2[layer]);
            named.put(WeightNames.upProj(layer), w3[layer]);
        }
        named.put(WeightNames.FINAL_NORM, finalNorm);
        if (classifier != null) {
            named.put(WeightNames.LM_HEAD, classifier);
        }
        return named;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new EOFException("File ended with " + buffer.remaining() + " bytes still expected.");
            }
        }
    }

    /** Reads consecutive little-endian float32 values from the channel's current position. */
    private static final class FloatReader {

        private final FileChannel channel;
        private final ByteBuffer chunk = ByteBuffer.allocate(READ_CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);

        FloatReader(FileChannel channel) {
            this.channel = channel;
        }

        FloatTensor read(int... shape) throws IOException {
            long[] longShape = new long[shape.length];
            for (int i = 0; i < shape.length; i++) {
                longShape[i] = shape[i];
            }
            float[] data = new float[Math.toIntExact(FloatTensor.elementCount(longShape))];
            int filled = 0;
            while (filled < data.length) {
                int count = Math.min(data.length - filled, READ_CHUNK_BYTES / Float.BYTES);
                chunk.clear().limit(count * Float.BYTES);
                readFully(channel, chunk);
                chunk.flip();
                chunk.asFloatBuffer().get(data, filled, count);
                filled += count;
            }
            return new FloatTensor(longShape, data);
        }

        FloatTensor[] readLayers(int layers, int... shapePerLayer) throws IOException {
            FloatTensor[] tensors = new FloatTensor[layers];
            for (int layer = 0; layer < layers; layer++) {
                tensors[layer] = read(shapePerLayer);
            }
            return tensors;
        }

        void skip(long floats) throws IOException {
            channel.position(channel.position() + floats * Float.BYTES);
        }
    }
}
