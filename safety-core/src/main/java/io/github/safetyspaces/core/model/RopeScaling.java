package io.github.safetyspaces.core.model;

/**
 * The {@code llama3} rotary frequency scaling of Llama 3.1 and 3.2 checkpoints.
 *
 * <p>Wavelengths shorter than {@code originalMaxPositions / highFreqFactor} keep their frequency,
 * wavelengths longer than {@code originalMaxPositions / lowFreqFactor} are divided by
 * {@code factor}, and the band between them is interpolated smoothly.
 *
 * @param factor divisor of the low frequencies, at least 1
 * @param lowFreqFactor bound of the low-frequency band, positive
 * @param highFreqFactor bound of the high-frequency band, above {@code lowFreqFactor}
 * @param originalMaxPositions context length the model was pretrained with
 */
public record RopeScaling(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions) {

    /** Name of this scaling in the {@code rope_type} field of {@code config.json}. */
    public static final String LLAMA3 = "llama3";

    /** Checks the ranges. */
    public RopeScaling {
        if (!(factor >= 1)) {
            throw new IllegalArgumentException("rope_scaling.factor must be at least 1, got " + factor);
        }
        if (!(lowFreqFactor > 0) || !(highFreqFactor > lowFreqFactor)) {
            throw new IllegalArgumentException("rope_scaling needs 0 < low_freq_factor < high_freq_factor, got "
                    + lowFreqFactor + " and " + highFreqFactor);
        }
        if (originalMaxPositions <= 0) {
            throw new IllegalArgumentException(
                    "rope_scaling.original_max_position_embeddings must be positive, got " + originalMaxPositions);
        }
    }

    /**
     * Applies the scaling to one inverse frequency.
     *
     * @param inverseFrequency unscaled inverse frequency (radians per position)
     * @return the scaled inverse frequency
     */
    public double scale(double inverseFrequency) {
        double wavelength = 2 * Math.PI / inverseFrequency;
        double lowFreqWavelength = originalMaxPositions / lowFreqFactor;
        double highFreqWavelength = originalMaxPositions / highFreqFactor;
        if (wavelength < highFreqWavelength) {
            return inverseFrequency;
        }
        if (wavelength > lowFreqWavelength) {
            return inverseFrequency / factor;
        }
        double smooth = (originalMaxPositions / wavelength - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
        return (1 - smooth) * inverseFrequency / factor + smooth * inverseFrequency;
    }
}
