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
 *
 * <p>A cell of a sweep comes from {@link ProjectionGroup#cell}, which reads {@code PΔT} from the group's
 * pass and whose diagnostics the group summed; the public constructor computes both here, one cell on
 * its own.
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
    private final ProjectionGroup group; // null when this cell computes its own projections
    private final int fracIndex;
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
        requireValidFrac(frac);
        this.aligned = aligned;
        this.finetuned = finetuned;
        this.reference = reference;
        this.basis = basis;
        this.method = method;
        this.frac = frac;
        this.seed = seed;
        this.diagnostics = diagnostics;
        this.group = null;
        this.fracIndex = -1;
    }

    /** Describes a cell of a group, whose projections and alignment terms the group computed. */
    ProjectedWeights(TensorSource aligned, TensorSource finetuned, ReferenceBases reference, ProjectionMethod method,
            ProjectionGroup group, int fracIndex, ProjectionDiagnostics diagnostics) {
        this.aligned = aligned;
        this.finetuned = finetuned;
        this.reference = reference;
        this.basis = null;
        this.method = method;
        this.frac = group.fracs().get(fracIndex);
        this.seed = 0;
        this.diagnostics = diagnostics;
        this.group = group;
        this.fracIndex = fracIndex;
    }

    @Override
    public Set<String> names() {
        return aligned.names();
    }

    @Override
    public long[] shape(String name) {
        return aligned.shape(name);
    }

    /**
     * Computes one projected tensor. For an m x n matrix at most WA, ΔT, the result and the basis
     * (with its k x n coefficients) are alive at once. The basis is built before anything else is
     * read, so an SVD on a cache miss shares memory only with ΔA and LAPACK's workspace. ΔA is
     * reduced to its diagnostics terms before the projection, and the kept part and the sum
     * {@code WA + K} overwrite the projection's array.
     */
    @Override
    public FloatTensor read(String name) {
        long[] shape = aligned.shape(name);
        if (shape.length != 2) {
            return readVector(name);
        }
        if (group != null) {
            return readFromGroup(name, shape);
        }
        int rows = Math.toIntExact(shape[0]);
        int columns = Math.toIntExact(shape[1]);

        // The k-dimensional subspace of ΔA's column space, or null when ΔA is zero.
        DenseMatrix columnsBasis = basis(name, shape, rows, columns);

        // ΔT, and the diagnostics terms that need ΔA.
        FloatTensor alignedTensor = aligned.read(name);
        float[] update = ReferenceBases.difference(finetuned.read(name), alignedTensor, name); // ΔT
        diagnostics.addAlignment(name, update, reference.alignmentUpdate(name));

        // PΔT, then K and W = WA + K in the same array.
        float[] result = columnsBasis == null ? new float[update.length]
                : LeftProjection.project(columnsBasis, update, rows, columns);
        columnsBasis = null; // the interpreter would keep the basis alive in this slot until the return
        method.keepInPlace(update, result);
        diagnostics.add(name, update, result);
        addInPlace(result, alignedTensor.data());
        return new FloatTensor(shape, result);
    }

    /** Combines a matrix's projection from the group's pass with WA and WF; the group summed its diagnostics. */
    private FloatTensor readFromGroup(String name, long[] shape) {
        float[] result = group.projection(fracIndex, name); // PΔT
        float[] finetunedValues = method.needsUpdate() ? finetuned.read(name).data() : null; // only orth needs ΔT
        method.combineInPlace(aligned.read(name).data(), finetunedValues, result); // W = WA + K
        return new FloatTensor(shape, result);
    }

    /** Builds the basis of a matrix, or returns null when ΔA is zero and its subspace is empty. */
    private DenseMatrix basis(String name, long[] shape, int rows, int columns) {
        Svd svd = reference.svd(name, shape);
        int requested = requestedDimension(frac, rows, columns);
        int k = Math.min(requested, svd.numericalRank());
        if (k < requested) {
            rankLimited++;
        }
        return k == 0 ? null : basis.basis(svd, k, tensorSeed(seed, name));
    }

    /** Projects a 1-D tensor (norm weight, bias) onto the single direction {@code vec(ΔA)}. */
    private FloatTensor readVector(String name) {
        FloatTensor alignedTensor = aligned.read(name);
        float[] update = ReferenceBases.difference(finetuned.read(name), alignedTensor, name); // ΔT
        float[] alignment = reference.alignmentUpdate(name); // ΔA
        float[] result = LeftProjection.projectOntoDirection(alignment, update);
        method.keepInPlace(update, result);
        if (group == null) {
            diagnostics.add(name, update, result, alignment); // a group summed them in its pass
        }
        addInPlace(result, alignedTensor.data());
        return new FloatTensor(alignedTensor.shape(), result);
    }

    private static void addInPlace(float[] target, float[] addend) {
        for (int i = 0; i < target.length; i++) {
            target[i] += addend[i];
        }
    }

    /** Fails, naming the frac, unless it is in (0, 1]. */
    static void requireValidFrac(double frac) {
        if (!(frac > 0 && frac <= 1)) {
            throw new IllegalArgumentException("Invalid frac " + frac + ": every frac must be in (0, 1].");
        }
    }

    /** Returns k = max(1, round(frac * min(m, n))) of an m x n matrix, before the limit by ΔA's rank. */
    static int requestedDimension(double frac, int rows, int columns) {
        return Math.max(1, (int) Math.round(frac * Math.min(rows, columns)));
    }

    /** Returns the seed of one tensor's random basis, derived from the sweep's seed and the tensor's name. */
    static long tensorSeed(long seed, String name) {
        return seed * 31 + name.hashCode();
    }

    /** Returns how many 2-D tensors used a smaller k than asked because ΔA's rank is lower. */
    public int rankLimitedTensors() {
        return group == null ? rankLimited : group.rankLimitedTensors(fracIndex);
    }
}
