package io.github.safetyspaces.core.projection;

import io.github.safetyspaces.core.checkpoint.FloatTensor;
import io.github.safetyspaces.core.checkpoint.TensorSource;
import io.github.safetyspaces.core.io.AtomicFiles;
import io.github.safetyspaces.core.linalg.DenseMatrix;
import io.github.safetyspaces.core.linalg.Svd;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cells of one fine-tune and one basis choice, for every frac and method of a sweep, from a single
 * pass over the checkpoints.
 *
 * <p>The three methods differ only element by element ({@code PΔT}, {@code ΔT - PΔT}, {@code -PΔT}), and
 * the subspaces of the fracs are nested: every basis choice gives, for the largest k of a matrix, a basis
 * whose first j columns are its basis for j (see {@link BasisChoice#nestedBasis}). So the pass builds
 * each matrix's basis once, at its largest k, and computes {@code PΔT} for all fracs with
 * {@link LeftProjection#projectNested}, for the arithmetic of one projection. A sweep of f fracs and
 * three methods computed cell by cell would repeat the basis 3f times and the projection 3 times for
 * each frac.
 *
 * <p>The projections go to scratch files, one per frac, in a hidden folder under the sweep's output
 * folder: f times the checkpoint's matrices in float32 on disk, deleted by {@link #close()}. A cell
 * ({@link #cell}) then reads the aligned and fine-tuned tensors and its projection, so the memory of a
 * cell stays that of a tensor at a time. The diagnostics are summed in the pass as well: the alignment
 * terms ({@code ⟨ΔT, ΔA⟩}, {@code ‖ΔA‖²}) once, and the terms of the kept part for the three methods
 * in one loop per frac.
 *
 * <p>Memory of the pass, per matrix: WA, W0 and ΔT while the alignment terms are summed; then ΔT, U and
 * the basis; then ΔT, the basis, the running projection and one block of at most 256 basis columns.
 * On an SVD cache miss, LAPACK's copy of ΔA and its workspace come on top of ΔT (see
 * {@link ReferenceBases#svd}).
 */
public final class ProjectionGroup implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProjectionGroup.class);

    /** Name of the scratch folders' target under the output folder; each group's folder is a hidden sibling. */
    static final String SCRATCH = "projection-scratch";

    private final TensorSource aligned;
    private final TensorSource finetuned;
    private final ReferenceBases reference;
    private final List<Double> fracs; // distinct, ascending
    private final Path folder;
    private final ScratchTensors[] projections; // one per frac
    private final int[] rankLimited; // per frac
    private final ProjectionDiagnostics alignmentTerms = new ProjectionDiagnostics();
    private final ProjectionDiagnostics[][] cellTerms; // [frac][method]: the sums that need the kept part

    private ProjectionGroup(TensorSource aligned, TensorSource finetuned, ReferenceBases reference,
            List<Double> fracs, Path folder) {
        this.aligned = aligned;
        this.finetuned = finetuned;
        this.reference = reference;
        this.fracs = fracs;
        this.folder = folder;
        this.projections = new ScratchTensors[fracs.size()];
        this.rankLimited = new int[fracs.size()];
        this.cellTerms = new ProjectionDiagnostics[fracs.size()][ProjectionMethod.values().length];
        for (ProjectionDiagnostics[] byMethod : cellTerms) {
            for (int m = 0; m < byMethod.length; m++) {
                byMethod[m] = new ProjectionDiagnostics();
            }
        }
    }

    /**
     * Computes the projections of one fine-tune onto one basis choice at every frac.
     *
     * @param aligned WA
     * @param finetuned WF, a fine-tune of WA with the same tensors
     * @param reference ΔA and its SVDs
     * @param basis how the subspaces are chosen
     * @param fracs fractions of min(m, n) kept, each in (0, 1]; order and repeats do not matter
     * @param seed seed of the random bases
     * @param output the sweep's output folder, which contains the scratch folder while the group is open
     * @return the group; close it to delete its scratch files
     */
    public static ProjectionGroup compute(TensorSource aligned, TensorSource finetuned, ReferenceBases reference,
            BasisChoice basis, Collection<Double> fracs, long seed, Path output) {
        List<Double> ascending = List.copyOf(new TreeSet<>(fracs));
        ascending.forEach(ProjectedWeights::requireValidFrac);
        if (ascending.isEmpty()) {
            throw new IllegalArgumentException("A projection group needs at least one frac.");
        }

        // The scratch folder; one left by a killed run is deleted once it is stale.
        Path target = output.resolve(SCRATCH);
        AtomicFiles.createDirectories(output, "output folder");
        AtomicFiles.removeStaleTemporaries(target);
        Path folder = AtomicFiles.temporarySibling(target, "scratch");
        requireSpace(aligned, ascending.size(), output);
        try {
            Files.createDirectory(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the projection scratch folder " + folder + ": " + e
                    + ". Check that the output folder is writable.", e);
        }

        ProjectionGroup group = new ProjectionGroup(aligned, finetuned, reference, ascending, folder);
        try {
            for (int i = 0; i < ascending.size(); i++) {
                group.projections[i] = new ScratchTensors(folder.resolve("frac-" + i + ".f32"));
            }
            group.project(basis, seed);
            return group;
        } catch (RuntimeException | Error e) {
            try {
                group.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Computes, for each tensor, the alignment terms and, for a matrix, its projections at every frac. */
    private void project(BasisChoice basis, long seed) {
        long started = System.nanoTime();
        int matrices = 0;
        for (String name : aligned.names()) {
            long[] shape = aligned.shape(name);
            if (shape.length != 2) {
                // A vector's projection onto vec(ΔA) is cheap, so its cells compute it again; only its sums
                // are kept here.
                float[] update = ReferenceBases.difference(finetuned.read(name), aligned.read(name), name); // ΔT
                float[] alignment = reference.alignmentUpdate(name); // ΔA
                alignmentTerms.addAlignment(name, update, alignment);
                float[] projected = LeftProjection.projectOntoDirection(alignment, update);
                double updateEnergy = energy(update);
                for (ProjectionDiagnostics[] byMethod : cellTerms) {
                    addMethodSums(name, update, projected, updateEnergy, byMethod);
                }
                continue;
            }
            int rows = Math.toIntExact(shape[0]);
            int columns = Math.toIntExact(shape[1]);

            // ΔT and the terms that need ΔA, with at most WA, W0 and ΔT alive.
            FloatTensor alignedTensor = aligned.read(name);
            float[] update = ReferenceBases.difference(finetuned.read(name), alignedTensor, name); // ΔT, m x n
            FloatTensor baseTensor = reference.readBase(name);
            ReferenceBases.requireSameShape(alignedTensor, baseTensor, name);
            alignmentTerms.addAlignment(name, update, alignedTensor.data(), baseTensor.data());
            alignedTensor = null; // the interpreter would keep both alive in their slots until the next tensor
            baseTensor = null;

            // k for every frac, lowered to ΔA's numerical rank, and the basis at the largest k. Built after
            // the reads, so that with a warm cache at most ΔT, U and the basis are alive here.
            Svd svd = reference.svd(name, shape);
            int[] dimensions = new int[fracs.size()];
            for (int i = 0; i < dimensions.length; i++) {
                int requested = ProjectedWeights.requestedDimension(fracs.get(i), rows, columns);
                dimensions[i] = Math.min(requested, svd.numericalRank());
                if (dimensions[i] < requested) {
                    rankLimited[i]++;
                }
            }
            int largest = dimensions[dimensions.length - 1];
            DenseMatrix columnsBasis = largest == 0 ? null
                    : basis.nestedBasis(svd, largest, ProjectedWeights.tensorSeed(seed, name)); // m x largest
            svd = null; // U is as large as a tensor; let it go before the projection allocates its sum

            // PΔT for every frac, each summed and written before the next one grows from it.
            double updateEnergy = energy(update);
            if (columnsBasis == null) {
                float[] zero = new float[update.length];
                for (int i = 0; i < projections.length; i++) {
                    projections[i].append(name, null, update.length);
                    addMethodSums(name, update, zero, updateEnergy, cellTerms[i]);
                }
            } else {
                LeftProjection.projectNested(columnsBasis, update, rows, columns, dimensions, (index, projected) -> {
                    projections[index].append(name, projected, projected.length);
                    addMethodSums(name, update, projected, updateEnergy, cellTerms[index]);
                });
            }
            matrices++;
            LOG.debug("Projected {} ({} x {}) at k = {}", name, rows, columns, Arrays.toString(dimensions));
        }
        LOG.info("Projected {} matrices onto {} subspaces at {} fracs in {} s", matrices, basis.label(),
                fracs.size(), String.format(Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e9));
    }

    /**
     * Sums the diagnostics terms of one tensor for all three methods in one loop over ΔT and PΔT. The
     * kept part of orth is rounded to float32 as {@link ProjectionMethod#keepInPlace} rounds it, and every
     * product is summed in double. The removed energies follow from the other sums: {@code ΔT - K} is
     * the orth part for same, PΔT for orth, and {@code ‖ΔT + PΔT‖² = ‖ΔT‖² + 2⟨ΔT, PΔT⟩ + ‖PΔT‖²} for
     * opp, whose terms are all non-negative because {@code ⟨ΔT, PΔT⟩ = ‖PΔT‖²}. Four sums per element
     * instead of eight keep this loop, which runs once per frac and tensor, at a fraction of the pass.
     *
     * @param updateEnergy {@code ‖ΔT‖²} of the tensor, the same for every frac
     */
    private static void addMethodSums(String name, float[] update, float[] projected, double updateEnergy,
            ProjectionDiagnostics[] byMethod) {
        double projectedEnergy = 0; // ‖K‖² of same and opp
        double updateDotProjected = 0; // ⟨ΔT, K⟩ of same, negated for opp
        double orthEnergy = 0; // ‖K‖² of orth
        double updateDotOrth = 0; // ⟨ΔT, K⟩ of orth
        for (int i = 0; i < update.length; i++) {
            double t = update[i];
            double p = projected[i];
            double orth = update[i] - projected[i]; // rounded to float32 first
            projectedEnergy += p * p;
            updateDotProjected += t * p;
            orthEnergy += orth * orth;
            updateDotOrth += t * orth;
        }
        byMethod[ProjectionMethod.SAME.ordinal()].addSums(name, updateEnergy, projectedEnergy, updateDotProjected,
                orthEnergy);
        byMethod[ProjectionMethod.ORTH.ordinal()].addSums(name, updateEnergy, orthEnergy, updateDotOrth,
                projectedEnergy);
        byMethod[ProjectionMethod.OPP.ordinal()].addSums(name, updateEnergy, projectedEnergy, -updateDotProjected,
                updateEnergy + 2 * updateDotProjected + projectedEnergy);
    }

    private static double energy(float[] values) {
        double sum = 0;
        for (float value : values) {
            sum += (double) value * value;
        }
        return sum;
    }

    /** Fails before the pass when the scratch files could not fit, naming the sizes and the fixes. */
    private static void requireSpace(TensorSource aligned, int fracs, Path output) {
        long values = 0;
        for (String name : aligned.names()) {
            long[] shape = aligned.shape(name);
            if (shape.length == 2) {
                values += shape[0] * shape[1];
            }
        }
        long needed = values * Float.BYTES * fracs;
        long usable;
        try {
            usable = Files.getFileStore(output).getUsableSpace();
        } catch (IOException e) {
            LOG.debug("Cannot read the free space of {}: {}", output, e.toString());
            return; // the writes will report a full disk themselves
        }
        if (needed > usable) {
            throw new IllegalStateException("The projection sweep needs " + size(needed) + " of scratch space in "
                    + output.toAbsolutePath() + " (" + fracs + " fracs x " + size(values * Float.BYTES)
                    + " of matrices in float32), but only " + size(usable) + " are free. Free space there, choose"
                    + " another output folder, or sweep fewer fracs.");
        }
    }

    /** Formats a byte count in decimal units, as disk sizes are usually given. */
    private static String size(long bytes) {
        if (bytes >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2f GB", bytes / 1e9);
        }
        if (bytes >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
        }
        return String.format(Locale.ROOT, "%.1f kB", bytes / 1e3);
    }

    /** Returns the fracs of the group, distinct and ascending. */
    public List<Double> fracs() {
        return fracs;
    }

    /**
     * Returns the weights of one cell, {@code W = WA + K}, computed one tensor at a time when read.
     *
     * @param frac one of {@link #fracs()}
     * @param method same, orth or opp
     * @param diagnostics receives the cell's sums over all tensors at once, from the pass; reads add nothing
     * @return the cell's weights
     */
    public ProjectedWeights cell(double frac, ProjectionMethod method, ProjectionDiagnostics diagnostics) {
        int index = fracs.indexOf(frac);
        if (index < 0) {
            throw new IllegalArgumentException("Frac " + frac + " is not one of this group's fracs " + fracs + ".");
        }
        diagnostics.addAll(alignmentTerms);
        diagnostics.addAll(cellTerms[index][method.ordinal()]);
        return new ProjectedWeights(aligned, finetuned, reference, method, this, index, diagnostics);
    }

    /** Reads the projection {@code PΔT} of a matrix at the frac with the given index. */
    float[] projection(int fracIndex, String name) {
        return projections[fracIndex].read(name);
    }

    /** Returns how many matrices used a smaller k than requested at the frac with the given index. */
    int rankLimitedTensors(int fracIndex) {
        return rankLimited[fracIndex];
    }

    /** Deletes the scratch files. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (ScratchTensors projection : projections) {
            if (projection != null) {
                try {
                    projection.close();
                } catch (RuntimeException e) {
                    failure = failure == null ? e : failure;
                }
            }
        }
        if (!AtomicFiles.deleteRecursively(folder) && failure == null) {
            LOG.warn("Could not delete the projection scratch folder {}; delete it by hand.", folder);
        }
        if (failure != null) {
            throw failure;
        }
    }
}
