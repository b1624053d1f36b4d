package io.github.safetyspaces.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Rotary position embedding in Hugging Face's rotate-half convention: dimension {@code i} of a head
 * rotates with dimension {@code i + headDim/2}, at inverse frequency {@code theta^(-2i/headDim)}.
 * (llama2.c rotates interleaved pairs instead; its query and key weights are permuted on import.)
 */
final class RotaryEmbedding {

    private RotaryEmbedding() {
    }

    /**
     * Computes the inverse frequencies of one head, with the {@code llama3} scaling when configured.
     *
     * @param config model configuration
     * @return {@code headDim / 2} inverse frequencies, radians per position
     */
    static double[] inverseFrequencies(ModelConfig config) {
        int half = config.headDim() / 2;
        double[] frequencies = new double[half];
        for (int i = 0; i < half; i++) {
            double frequency = 1.0 / Math.pow(config.ropeTheta(), (2.0 * i) / config.headDim());
            frequencies[i] = config.ropeScaling() == null ? frequency : config.ropeScaling().scale(frequency);
        }
        return frequencies;
    }

    /**
     * Computes the cosine and sine tables for the given positions.
     *
     * @param positionIds {@code (B, T)} integer positions
     * @param inverseFrequencies {@code (Dh/2)}
     * @param dataType data type of the tables
     * @return cosines and sines, each {@code (B, 1, T, Dh)} so that they broadcast over heads
     */
    static NDArray[] cosSin(NDArray positionIds, NDArray inverseFrequencies, DataType dataType) {
        NDArray positions = positionIds.toType(dataType, false).expandDims(2); // (B, T, 1)
        NDArray angles = positions.mul(inverseFrequencies); // (B, T, Dh/2)
        NDArray doubled = angles.concat(angles, 2); // (B, T, Dh)
        return new NDArray[] {doubled.cos().expandDims(1), doubled.sin().expandDims(1)};
    }

    /**
     * Rotates queries or keys.
     *
     * @param x {@code (B, heads, T, Dh)}
     * @param cos {@code (B, 1, T, Dh)}
     * @param sin {@code (B, 1, T, Dh)}
     * @return {@code x * cos + rotateHalf(x) * sin}, same shape as {@code x}
     */
    static NDArray apply(NDArray x, NDArray cos, NDArray sin) {
        long half = x.getShape().get(3) / 2;
        NDArray first = x.get(":, :, :, :" + half);
        NDArray second = x.get(":, :, :, " + half + ":");
        NDArray rotated = second.neg().concat(first, 3); // (-x2, x1)
        return x.mul(cos).add(rotated.mul(sin));
    }
}
