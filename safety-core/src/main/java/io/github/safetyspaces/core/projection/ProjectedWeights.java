package io.github.safetyspaces.core.projection;

import io.github.safetyspaces.core.checkpoint.FloatTensor;
import io.github.safetyspaces.core.checkpoint.TensorSource;
import io.github.safetyspaces.core.linalg.DenseMatrix;
import io.github.safetyspaces.core.linalg.Svd;
import java.util.Set;

/**
 * The weights of one projected model, {@code W = WA + K}, computed one tensor at a time when read,
 * so that loading the model streams through the checkpoints instead of holding three of them.
 *
 * <p>For a 2-D tensor of m x n, {@code k = max(1, round(frac * min(m, n)))}, lowered to the numerical
 * rank of {@code ΔA} when that is smaller (counted in {@link #rankLimitedTensors()}). A 1-D tensor
 * (norm weight, bias) has no SVD and is projected onto the single direction {@code vec(ΔA)}. Each read
 * adds the tensor to the diagnostics, so read every tensor once.
 */
public final class ProjectedWeights implements TensorSource {

    private final TensorSource aligned;
    private final TensorSource finetuned;
    private final ReferenceBases reference;
    private final BasisChoice basis;
    private final ProjectionMethod method;
    private final double frac;
    private final long seed;
    private final ProjectionDiagnostics diagnostics;
    private int rankLimited;

    /**
     * Describes a projected model.
     *
     * @param aligned WA
     * @param finetuned WF, a fine-tune of WA with the same tensors
     * @param reference ΔA and its SVDs
     * @param basis how the subspace is chosen
     * @param method same, orth or opp
     * @param frac fraction of min(m, n) kept as the subspace dimension, in (0, 1]
     * @param seed seed of the random bases
     * @param diagnostics receives every tensor read
     */
    public ProjectedWeights(TensorSource aligned, TensorSource finetuned, ReferenceBases reference, BasisChoice basis,
            ProjectionMethod method, double frac, long seed, ProjectionDiagnostics diagnostics) {
        if (!(frac > 0 && frac <= 1)) {
            throw new IllegalArgumentException("Invalid frac " + frac + ": it must be in (0, 1].");
        }
        this.aligned = aligned;
        this.finetuned = finetuned;
        this.reference = reference;
        this.basis = basis;
        this.method = method;
        this.frac = frac;
        this.seed = seed;
        this.diagnostics = diagnostics;
    }

    @Override
    public Set<String> names() {
        return aligned.names();
    }

    @Override
    public long[] shape(String name) {
        return aligned.shape(name);
    }

    @Override
    public FloatTensor read(String name) {
        FloatTensor alignedTensor = aligned.read(name);
        float[] update = ReferenceBases.difference(finetuned.read(name), alignedTensor, name); // ΔT
        float[] alignment = reference.alignmentUpdate(name); // ΔA
        long[] shape = alignedTensor.shape();

        // PΔT: onto a k-dimensional subspace of ΔA's column space, or onto vec(ΔA) for vectors.
        float[] projected;
        if (shape.length == 2) {
            int rows = Math.toIntExact(shape[0]);
            int columns = Math.toIntExact(shape[1]);
            Svd svd = reference.svd(name, shape);
            int wanted = Math.max(1, (int) Math.round(frac * Math.min(rows, columns)));
            int k = Math.min(wanted, svd.numericalRank());
            if (k < wanted) {
                rankLimited++;
            }
            if (k == 0) {
                projected = new float[update.length]; // ΔA is zero: its subspace is empty
            } else {
                DenseMatrix columnsBasis = basis.basis(svd, k, seed * 31 + name.hashCode());
                projected = LeftProjection.project(columnsBasis, update, rows, columns);
            }
        } else {
            projected = LeftProjection.projectOntoDirection(alignment, update);
        }

        // W = WA + K.
        float[] kept = method.kept(update, projected);
        diagnostics.add(name, update, kept, alignment);
        float[] weights = alignedTensor.data().clone();
        for (int i = 0; i < weights.length; i++) {
            weights[i] += kept[i];
        }
        return new FloatTensor(shape, weights);
    }

    /** Returns how many 2-D tensors used a smaller k than asked because ΔA's rank is lower. */
    public int rankLimitedTensors() {
        return rankLimited;
    }
}
