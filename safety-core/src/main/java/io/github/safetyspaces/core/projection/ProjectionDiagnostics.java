package io.github.safetyspaces.core.projection;

import io.github.safetyspaces.core.model.WeightNames;
import java.util.Collections;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * Sums over all floating-point tensors of one projected model, accumulated in double:
 * the energy kept ratio {@code Σ‖K‖² / Σ‖ΔT‖²}, the cosine between the task update and the kept part
 * {@code Σ⟨ΔT, K⟩ / (‖ΔT‖ ‖K‖)}, the cosine between the task and alignment updates
 * {@code Σ⟨ΔT, ΔA⟩ / (‖ΔT‖ ‖ΔA‖)} (norms over all tensors together), and the removed energy
 * {@code ‖ΔT - K‖} per decoder layer.
 *
 * <p>Where a denominator is zero (an unchanged model, a zero alignment update) the ratio or cosine is
 * reported as 0 and {@link #isDegenerate()} returns true, rather than NaN.
 */
public final class ProjectionDiagnostics {

    /** Key of {@link #removedNormByLayer()} for tensors outside the decoder layers (embedding, final norm, head). */
    public static final int OUTSIDE_LAYERS = -1;

    private double updateEnergy;
    private double keptEnergy;
    private double updateDotKept;
    private double updateDotAlignment;
    private double alignmentEnergy;
    private final Map<Integer, Double> removedEnergyByLayer = new TreeMap<>();

    /**
     * Adds one tensor.
     *
     * @param name Hugging Face tensor name, for the layer grouping
     * @param update ΔT
     * @param kept K
     * @param alignment ΔA
     */
    public void add(String name, float[] update, float[] kept, float[] alignment) {
        addAlignment(name, update, alignment);
        add(name, update, kept);
    }

    /**
     * Adds the terms of one tensor that need ΔA, so that a caller can drop ΔA before it projects.
     * Call {@link #add(String, float[], float[])} for the same tensor as well.
     *
     * @param name Hugging Face tensor name, for messages
     * @param update ΔT
     * @param alignment ΔA
     */
    public void addAlignment(String name, float[] update, float[] alignment) {
        if (update.length != alignment.length) {
            throw new IllegalArgumentException("Tensor " + name + ": update and alignment update differ in length ("
                    + update.length + ", " + alignment.length + ").");
        }
        for (int i = 0; i < update.length; i++) {
            double t = update[i];
            double a = alignment[i];
            updateDotAlignment += t * a;
            alignmentEnergy += a * a;
        }
    }

    /**
     * Adds the same terms as {@link #addAlignment(String, float[], float[])} from WA and W0, forming each
     * element of {@code ΔA = WA - W0} in float32 on the way, so that no ΔA array is allocated.
     *
     * @param name Hugging Face tensor name, for messages
     * @param update ΔT
     * @param aligned WA
     * @param base W0
     */
    void addAlignment(String name, float[] update, float[] aligned, float[] base) {
        if (update.length != aligned.length || update.length != base.length) {
            throw new IllegalArgumentException("Tensor " + name + ": update, aligned and base weights differ in length ("
                    + update.length + ", " + aligned.length + ", " + base.length + ").");
        }
        for (int i = 0; i < update.length; i++) {
            double t = update[i];
            double a = aligned[i] - base[i]; // rounded to float32 first, as ReferenceBases.difference does
            updateDotAlignment += t * a;
            alignmentEnergy += a * a;
        }
    }

    /**
     * Adds one tensor's sums computed elsewhere, as {@link #add(String, float[], float[])} would sum them;
     * a {@link ProjectionGroup} computes them for all three methods in one loop.
     *
     * @param name Hugging Face tensor name, for the layer grouping
     * @param updateEnergy {@code ‖ΔT‖²}
     * @param keptEnergy {@code ‖K‖²}
     * @param updateDotKept {@code ⟨ΔT, K⟩}
     * @param removedEnergy {@code ‖ΔT - K‖²}
     */
    void addSums(String name, double updateEnergy, double keptEnergy, double updateDotKept, double removedEnergy) {
        this.updateEnergy += updateEnergy;
        this.keptEnergy += keptEnergy;
        this.updateDotKept += updateDotKept;
        OptionalInt layer = WeightNames.layerIndex(name);
        removedEnergyByLayer.merge(layer.isPresent() ? layer.getAsInt() : OUTSIDE_LAYERS, removedEnergy, Double::sum);
    }

    /**
     * Adds everything another instance has summed.
     *
     * @param other the sums to add
     */
    void addAll(ProjectionDiagnostics other) {
        updateEnergy += other.updateEnergy;
        keptEnergy += other.keptEnergy;
        updateDotKept += other.updateDotKept;
        updateDotAlignment += other.updateDotAlignment;
        alignmentEnergy += other.alignmentEnergy;
        other.removedEnergyByLayer.forEach((layer, energy) -> removedEnergyByLayer.merge(layer, energy, Double::sum));
    }

    /**
     * Adds the terms of one tensor that need only ΔT and the kept part; together with
     * {@link #addAlignment} it adds what {@link #add(String, float[], float[], float[])} does.
     *
     * @param name Hugging Face tensor name, for the layer grouping
     * @param update ΔT
     * @param kept K
     */
    public void add(String name, float[] update, float[] kept) {
        if (update.length != kept.length) {
            throw new IllegalArgumentException("Tensor " + name + ": update and kept part differ in length ("
                    + update.length + ", " + kept.length + ").");
        }
        double removed = 0;
        for (int i = 0; i < update.length; i++) {
            double t = update[i];
            double k = kept[i];
            updateEnergy += t * t;
            keptEnergy += k * k;
            updateDotKept += t * k;
            removed += (t - k) * (t - k);
        }
        OptionalInt layer = WeightNames.layerIndex(name);
        removedEnergyByLayer.merge(layer.isPresent() ? layer.getAsInt() : OUTSIDE_LAYERS, removed, Double::sum);
    }

    /** Returns {@code Σ‖K‖² / Σ‖ΔT‖²}, or 0 when the task update is zero. */
    public double energyKeptRatio() {
        return updateEnergy == 0 ? 0 : keptEnergy / updateEnergy;
    }

    /** Returns {@code Σ⟨ΔT, K⟩ / (‖ΔT‖ ‖K‖)}, or 0 when either is zero. */
    public double cosineTaskKept() {
        return cosine(updateDotKept, updateEnergy, keptEnergy);
    }

    /** Returns {@code Σ⟨ΔT, ΔA⟩ / (‖ΔT‖ ‖ΔA‖)}, or 0 when either is zero. */
    public double cosineTaskAlignment() {
        return cosine(updateDotAlignment, updateEnergy, alignmentEnergy);
    }

    /** Returns whether a ratio or cosine had a zero denominator and was reported as 0. */
    public boolean isDegenerate() {
        return updateEnergy == 0 || alignmentEnergy == 0 || keptEnergy == 0;
    }

    /**
     * Returns {@code ‖ΔT - K‖} per decoder layer, with {@link #OUTSIDE_LAYERS} for the other tensors.
     *
     * @return norms by layer index, ascending
     */
    public Map<Integer, Double> removedNormByLayer() {
        Map<Integer, Double> norms = new TreeMap<>();
        removedEnergyByLayer.forEach((layer, energy) -> norms.put(layer, Math.sqrt(energy)));
        return Collections.unmodifiableMap(norms);
    }

    private static double cosine(double dot, double energyX, double energyY) {
        if (energyX == 0 || energyY == 0) {
            return 0;
        }
        double value = dot / Math.sqrt(energyX * energyY);
        return Math.max(-1, Math.min(1, value)); // rounding can overshoot by an ulp
    }
}
