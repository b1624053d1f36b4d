package io.github.safetyspaces.core.model;

import io.github.safetyspaces.core.checkpoint.FloatTensor;
import java.util.Map;

/**
 * A plain-Java, float64, one-sequence Llama/Qwen2 forward pass written with loops, as an
 * independent reference for the DJL decoder. It follows the Hugging Face modelling code's
 * definitions directly (rotation of pairs {@code (i, i + headDim/2)}, key/value head {@code h / G}
 * for query head {@code h}) and shares no code with the decoder under test except the
 * configuration record and tensor names.
 */
final class ReferenceDecoder {

    private final ModelConfig config;
    private final Map<String, FloatTensor> weights;

    ReferenceDecoder(ModelConfig config, Map<String, FloatTensor> weights) {
        this.config = config;
        this.weights = weights;
    }

    /** Returns logits [position][vocab] for one sequence starting at position 0. */
    double[][] logits(int[] tokens) {
        int length = tokens.length;
        int hidden = config.hiddenSize();
        double[][] x = new double[length][];
        FloatTensor embedding = weights.get("model.embed_tokens.weight");
        for (int t = 0; t < length; t++) {
            x[t] = row(embedding, tokens[t]);
        }
        for (int layer = 0; layer < config.numLayers(); layer++) {
            String prefix = "model.layers." + layer + ".";
            double[][] normed = new double[length][];
            for (int t = 0; t < length; t++) {
                normed[t] = rmsNorm(x[t], weights.get(prefix + "input_layernorm.weight"));
            }
            double[][] attention = attention(prefix, normed);
            for (int t = 0; t < length; t++) {
                for (int d = 0; d < hidden; d++) {
                    x[t][d] += attention[t][d];
                }
                double[] n = rmsNorm(x[t], weights.get(prefix + "post_attention_layernorm.weight"));
                double[] gate = project(prefix + "mlp.gate_proj", n);
                double[] up = project(prefix + "mlp.up_proj", n);
                double[] product = new double[gate.length];
                for (int f = 0; f < gate.length; f++) {
                    double silu = gate[f] / (1 + Math.exp(-gate[f]));
                    product[f] = silu * up[f];
                }
                double[] down = project(prefix + "mlp.down_proj", product);
                for (int d = 0; d < hidden; d++) {
                    x[t][d] += down[d];
                }
            }
        }
        FloatTensor head = config.tieWordEmbeddings() ? embedding : weights.get("lm_head.weight");
        double[][] logits = new double[length][];
        for (int t = 0; t < length; t++) {
            logits[t] = multiply(head, rmsNorm(x[t], weights.get("model.norm.weight")), null);
        }
        return logits;
    }

    private double[][] attention(String prefix, double[][] x) {
        int length = x.length;
        int heads = config.numHeads();
        int headDim = config.headDim();
        int group = heads / config.numKvHeads();
        double[][] q = new double[length][];
        double[][] k = new double[length][];
        double[][] v = new double[length][];
        for (int t = 0; t < length; t++) {
            q[t] = rotate(project(prefix + "self_attn.q_proj", x[t]), t, heads);
            k[t] = rotate(project(prefix + "self_attn.k_proj", x[t]), t, config.numKvHeads());
            v[t] = project(prefix + "self_attn.v_proj", x[t]);
        }
        double[][] context = new double[length][heads * headDim];
        for (int h = 0; h < heads; h++) {
            int kvHead = h / group;
            for (int t = 0; t < length; t++) {
                double[] scores = new double[t + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int s = 0; s <= t; s++) {
                    double dot = 0;
                    for (int d = 0; d < headDim; d++) {
                        dot += q[t][h * headDim + d] * k[s][kvHead * headDim + d];
                    }
                    scores[s] = dot / Math.sqrt(headDim);
                    max = Math.max(max, scores[s]);
                }
                double sum = 0;
                for (int s = 0; s <= t; s++) {
                    scores[s] = Math.exp(scores[s] - max);
                    sum += scores[s];
                }
                for (int s = 0; s <= t; s++) {
                    for (int d = 0; d < headDim; d++) {
                        context[t][h * headDim + d] += scores[s] / sum * v[s][kvHead * headDim + d];
                    }
                }
            }
        }
        double[][] out = new double[length][];
        for (int t = 0; t < length; t++) {
            out[t] = project(prefix + "self_attn.o_proj", context[t]);
        }
        return out;
    }

    /** Rotates pairs (i, i + half) of each head by angle position * frequency(i). */
    private double[] rotate(double[] vector, int position, int heads) {
        int headDim = config.headDim();
        int half = headDim / 2;
        double[] out = vector.clone();
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < half; i++) {
                double frequency = Math.pow(config.ropeTheta(), -2.0 * i / headDim);
                if (config.ropeScaling() != null) {
                    frequency = llama3(frequency, config.ropeScaling());
                }
                double angle = position * frequency;
                double a = vector[h * headDim + i];
                double b = vector[h * headDim + i + half];
                out[h * headDim + i] = a * Math.cos(angle) - b * Math.sin(angle);
                out[h * headDim + i + half] = b * Math.cos(angle) + a * Math.sin(angle);
            }
        }
        return out;
    }

    /** The llama3 rule, written from its definition by wavelength bands. */
    private static double llama3(double frequency, RopeScaling scaling) {
        double wavelength = 2 * Math.PI / frequency;
        double shortest = scaling.originalMaxPositions() / scaling.highFreqFactor();
        double longest = scaling.originalMaxPositions() / scaling.lowFreqFactor();
        if (wavelength <= shortest) {
            return frequency;
        }
        if (wavelength >= longest) {
            return frequency / scaling.factor();
        }
        double ratio = scaling.originalMaxPositions() / wavelength;
        double blend = (ratio - scaling.lowFreqFactor()) / (scaling.highFreqFactor() - scaling.lowFreqFactor());
        return blend * frequency + (1 - blend) * frequency / scaling.factor();
    }

    private double[] rmsNorm(double[] x, FloatTensor weight) {
        double sum = 0;
        for (double value : x) {
            sum += value * value;
        }
        double inverse = 1 / Math.sqrt(sum / x.length + config.rmsNormEps());
        double[] out = new double[x.length];
        for (int d = 0; d < x.length; d++) {
            out[d] = x[d] * inverse * weight.data()[d];
        }
        return out;
    }

    private double[] project(String module, double[] x) {
        return multiply(weights.get(module + ".weight"), x, weights.get(module + ".bias"));
    }

    private static double[] multiply(FloatTensor matrix, double[] x, FloatTensor bias) {
        int rows = (int) matrix.shape()[0];
        int columns = (int) matrix.shape()[1];
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double sum = bias == null ? 0 : bias.data()[r];
            for (int c = 0; c < columns; c++) {
                sum += matrix.data()[r * columns + c] * x[c];
            }
            out[r] = sum;
        }
        return out;
    }

    private static double[] row(FloatTensor matrix, int index) {
        int columns = (int) matrix.shape()[1];
        double[] out = new double[columns];
        for (int c = 0; c < columns; c++) {
            out[c] = matrix.data()[index * columns + c];
        }
        return out;
    }
}
