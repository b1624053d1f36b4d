package io.github.safetyspaces.core.projection;

import io.github.safetyspaces.core.checkpoint.FloatTensor;
import io.github.safetyspaces.core.checkpoint.SafetensorsDType;
import io.github.safetyspaces.core.checkpoint.SafetensorsFile;
import io.github.safetyspaces.core.checkpoint.SafetensorsFormatException;
import io.github.safetyspaces.core.checkpoint.SafetensorsWriter;
import io.github.safetyspaces.core.checkpoint.TensorSource;
import io.github.safetyspaces.core.linalg.FloatMatrix;
import io.github.safetyspaces.core.linalg.Precision;
import io.github.safetyspaces.core.linalg.Svd;
import io.github.safetyspaces.core.linalg.SvdVectors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference update {@code ΔA = WA - W0} of every tensor and the SVD of each 2-D one, each
 * computed once and cached on disk, so that every frac, method, basis and fine-tune of a sweep,
 * and later sweeps over the same checkpoints, reuse it.
 *
 * <p>The cache lives under {@code cacheRoot/<key>/}, where the key is derived from the SHA-256 of both
 * checkpoints, one safetensors file per tensor with {@code u} (m x r, float32) and {@code s} (r).
 */
public final class ReferenceBases {

    private static final Logger LOG = LoggerFactory.getLogger(ReferenceBases.class);

    private final TensorSource base;
    private final TensorSource aligned;
    private final Path cacheDirectory;
    private int computed;
    private int reused;

    /**
     * Creates the reference bases of an alignment update.
     *
     * @param base W0, the pretrained checkpoint
     * @param aligned WA, the aligned checkpoint
     * @param cacheRoot folder of SVD caches, for example {@code target/safety/svd-cache}
     * @param cacheKey identifies the pair of checkpoints, for example a digest of both files' SHA-256
     */
    public ReferenceBases(TensorSource base, TensorSource aligned, Path cacheRoot, String cacheKey) {
        this.base = base;
        this.aligned = aligned;
        this.cacheDirectory = cacheRoot.resolve(cacheKey);
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
     * Returns the SVD of a 2-D tensor's {@code ΔA}, with left singular vectors, from the disk cache or
     * from LAPACK. Nothing is kept in memory between calls, so a sweep keeps one basis at a time.
     *
     * @param name name of a 2-D tensor
     * @param shape its shape
     * @return the SVD
     */
    public synchronized Svd svd(String name, long[] shape) {
        Path file = cacheDirectory.resolve(name + ".safetensors");
        Svd svd = readCache(file, shape);
        if (svd == null) {
            FloatMatrix update = new FloatMatrix(Math.toIntExact(shape[0]), Math.toIntExact(shape[1]),
                    alignmentUpdate(name));
            svd = Svd.compute(update, Precision.FLOAT32, SvdVectors.LEFT);
            writeCache(file, svd);
            computed++;
        } else {
            reused++;
        }
        return svd;
    }

    /** Returns how many SVDs were computed and how many reads the disk cache served. */
    public String cacheSummary() {
        return computed + " computed, " + reused + " read from " + cacheDirectory;
    }

    /** Returns the number of SVDs computed by LAPACK rather than read from the cache. */
    public int computedCount() {
        return computed;
    }

    private Svd readCache(Path file, long[] shape) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (SafetensorsFile cached = SafetensorsFile.open(file)) {
            FloatTensor u = cached.read("u");
            FloatTensor s = cached.read("s");
            int rows = Math.toIntExact(shape[0]);
            int rank = Math.min(rows, Math.toIntExact(shape[1]));
            if (!Arrays.equals(u.shape(), new long[] {rows, rank}) || s.data().length != rank) {
                LOG.warn("Ignoring the SVD cache entry {}: its shape does not match the tensor {}.", file,
                        Arrays.toString(shape));
                return null;
            }
            double[] values = new double[rank];
            for (int i = 0; i < rank; i++) {
                values[i] = s.data()[i];
            }
            return new Svd(rows, Math.toIntExact(shape[1]), Precision.FLOAT32, SvdVectors.LEFT, values,
                    new FloatMatrix(rows, rank, u.data()), null);
        } catch (SafetensorsFormatException | UncheckedIOException | IllegalArgumentException e) {
            LOG.warn("Ignoring the unreadable SVD cache entry {} ({}); computing it again.", file, e.getMessage());
            return null;
        }
    }

    private void writeCache(Path file, Svd svd) {
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the SVD cache folder " + file.getParent() + ": "
                    + e.getMessage(), e);
        }
        FloatMatrix u = (FloatMatrix) svd.u();
        float[] values = new float[svd.singularValues().length];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) svd.singularValues()[i];
        }
        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        tensors.put("u", new FloatTensor(new long[] {u.rows(), u.columns()}, u.data()));
        tensors.put("s", new FloatTensor(new long[] {values.length}, values));
        SafetensorsWriter.write(file, tensors, SafetensorsDType.F32, Map.of("kind", "left singular vectors of WA - W0"));
    }

    static float[] difference(FloatTensor minuend, FloatTensor subtrahend, String name) {
        if (!Arrays.equals(minuend.shape(), subtrahend.shape())) {
            throw new IllegalArgumentException("Tensor " + name + " has shape " + Arrays.toString(minuend.shape())
                    + " in one checkpoint and " + Arrays.toString(subtrahend.shape()) + " in the other; the"
                    + " checkpoints must share an architecture.");
        }
        float[] a = minuend.data();
        float[] b = subtrahend.data();
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] - b[i];
        }
        return out;
    }
}
