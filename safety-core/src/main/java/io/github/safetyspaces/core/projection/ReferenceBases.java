package io.github.safetyspaces.core.projection;

import io.github.safetyspaces.core.checkpoint.FloatTensor;
import io.github.safetyspaces.core.checkpoint.TensorSource;
import io.github.safetyspaces.core.linalg.FloatMatrix;
import io.github.safetyspaces.core.linalg.Svd;
import io.github.safetyspaces.core.linalg.SvdCache;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The reference update {@code ΔA = WA - W0} of every tensor and the SVD of each 2-D one, each
 * computed once and cached on disk, so that every frac, method, basis and fine-tune of a sweep,
 * and later sweeps over the same checkpoints, reuse it.
 *
 * <p>The SVDs live in an {@link SvdCache} under the update key of the two checkpoints, one entry per
 * tensor named after it. The {@code update-spaces} goal uses the same entries for the {@code alignment}
 * update at tensor granularity, so either goal reuses the other's SVDs.
 */
public final class ReferenceBases {

    private final TensorSource base;
    private final TensorSource aligned;
    private final SvdCache cache;
    private final String updateKey;

    /**
     * Creates the reference bases of an alignment update.
     *
     * @param base W0, the pretrained checkpoint
     * @param aligned WA, the aligned checkpoint
     * @param cacheRoot folder of SVD caches, for example {@code target/safety/svd-cache}
     * @param updateKey identifies the pair of checkpoints, normally {@link SvdCache#updateKey} of both
     */
    public ReferenceBases(TensorSource base, TensorSource aligned, Path cacheRoot, String updateKey) {
        this.base = base;
        this.aligned = aligned;
        this.cache = new SvdCache(cacheRoot);
        this.updateKey = updateKey;
    }

    /**
     * Computes {@code ΔA} of one tensor.
     *
     * @param name tensor name
     * @return {@code WA - W0}, row-major
     */
    public float[] alignmentUpdate(String name) {
        return difference(aligned.read(name), base.read(name), name);
    }

    /**
     * Reads one tensor of W0, for callers that form {@code ΔA} element by element instead of as an array.
     *
     * @param name tensor name
     * @return W0's tensor
     */
    FloatTensor readBase(String name) {
        return base.read(name);
    }

    /**
     * Returns the SVD of a 2-D tensor's {@code ΔA}, with left singular vectors, from the disk cache or
     * from LAPACK. Nothing is kept in memory between calls, so a sweep keeps one basis at a time.
     *
     * @param name name of a 2-D tensor
     * @param shape its shape
     * @return the SVD
     */
    public Svd svd(String name, long[] shape) {
        int rows = Math.toIntExact(shape[0]);
        int columns = Math.toIntExact(shape[1]);
        return cache.leftSvd(updateKey, name, List.of(name), rows, columns,
                () -> new FloatMatrix(rows, columns, alignmentUpdate(name)));
    }

    /** Returns how many SVDs were computed and how many reads the disk cache served. */
    public String cacheSummary() {
        return cache.summary();
    }

    /** Returns the number of SVDs computed by LAPACK rather than read from the cache. */
    public int computedCount() {
        return cache.computedCount();
    }

    static float[] difference(FloatTensor minuend, FloatTensor subtrahend, String name) {
        requireSameShape(minuend, subtrahend, name);
        float[] a = minuend.data();
        float[] b = subtrahend.data();
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] - b[i];
        }
        return out;
    }

    /** Fails, naming the tensor and both shapes, when two checkpoints' tensors differ in shape. */
    static void requireSameShape(FloatTensor first, FloatTensor second, String name) {
        if (!Arrays.equals(first.shape(), second.shape())) {
            throw new IllegalArgumentException("Tensor " + name + " has shape " + Arrays.toString(first.shape())
                    + " in one checkpoint and " + Arrays.toString(second.shape()) + " in the other; the"
                    + " checkpoints must share an architecture.");
        }
    }
}
