package io.github.safetyspaces.core.linalg;

import io.github.safetyspaces.core.checkpoint.FloatTensor;
import io.github.safetyspaces.core.checkpoint.SafetensorsDType;
import io.github.safetyspaces.core.checkpoint.SafetensorsFile;
import io.github.safetyspaces.core.checkpoint.SafetensorsFormatException;
import io.github.safetyspaces.core.checkpoint.SafetensorsWriter;
import io.github.safetyspaces.core.io.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A disk cache of the exact SVDs of weight updates (singular values and left singular vectors), shared by
 * every goal that decomposes an update, so that each matrix is decomposed once across runs and goals.
 *
 * <p>Layout: {@code root/<update key>/<entry>.safetensors}, with the tensors {@code u} (m x r, float32) and
 * {@code s} (r values), r = min(m, n). The update key names the pair of checkpoints whose difference was
 * decomposed ({@link #updateKey}). The entry names the matrix within the update: a tensor name, or a path
 * such as {@code layer-groups/...} for matrices stacked from several tensors. The metadata records the
 * shape m x n and the stacked tensors in order. An entry is used only when both match the request;
 * otherwise the SVD is computed again and the entry replaced, with a warning.
 *
 * <p>Every SVD is the full-spectrum float32 {@code sgesdd} of {@link Svd#compute}. LAPACK returns the
 * singular values in float32, so storing them as float32 loses nothing and a cached SVD equals the
 * computed one. Entries are written atomically by {@link SafetensorsWriter}, so an interrupted run
 * leaves either a complete entry or none.
 */
public final class SvdCache {

    /** The precision of every cached SVD. */
    public static final Precision PRECISION = Precision.FLOAT32;

    private static final Logger LOG = LoggerFactory.getLogger(SvdCache.class);

    /** Metadata key of the matrix shape, for example {@code 64 x 32}. */
    private static final String SHAPE = "shape";

    /** Metadata key of the stacked tensor names, joined by {@link #MEMBER_SEPARATOR}. */
    private static final String MEMBERS = "members";

    private static final String MEMBER_SEPARATOR = "\n";

    private final Path root;
    private int computed;
    private int reused;

    /**
     * Creates a cache over a folder, which is created when the first entry is written.
     *
     * @param root the cache folder, for example {@code target/safety/svd-cache}
     */
    public SvdCache(Path root) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
    }

    /**
     * Returns the update key of {@code to - from}: the first 16 hex digits of the SHA-256 of both
     * checkpoints' digests, so that a changed file in either checkpoint starts a new folder.
     *
     * @param from the checkpoint subtracted, for example the base model for the alignment update
     * @param to the checkpoint it is subtracted from, for example the aligned model
     * @return 16 hex digits
     */
    public static String updateKey(Path from, Path to) {
        return updateKeyOfDigests(Sha256.ofPath(from), Sha256.ofPath(to));
    }

    /**
     * Returns the update key of {@code to - from} from the checkpoints' {@link Sha256#ofPath} digests, for
     * callers that hash each checkpoint once and use it in several updates.
     *
     * @param fromDigest digest of the checkpoint subtracted
     * @param toDigest digest of the checkpoint it is subtracted from
     * @return 16 hex digits, equal to {@link #updateKey(Path, Path)} of the same checkpoints
     */
    public static String updateKeyOfDigests(String fromDigest, String toDigest) {
        return Sha256.ofText(fromDigest + " " + toDigest).substring(0, 16);
    }

    /**
     * Returns the SVD of an m x n update matrix with left singular vectors, from the cache or from LAPACK.
     * Nothing is kept in memory between calls.
     *
     * @param updateKey the update, from {@link #updateKey}
     * @param entry the matrix within the update: a relative path without {@code .} or {@code ..} segments
     * @param members the tensors the matrix consists of, in stacking order; one name for a single tensor
     * @param rows m
     * @param columns n
     * @param matrix builds the m x n matrix when the cache has no valid entry
     * @return the float32 SVD with U
     * @throws IllegalArgumentException if the entry is not a plain relative path
     * @throws IllegalStateException if {@code matrix} returns another shape than m x n
     */
    public synchronized Svd leftSvd(String updateKey, String entry, List<String> members, int rows, int columns,
            Supplier<FloatMatrix> matrix) {
        Path file = entryFile(updateKey, entry);
        String shape = rows + " x " + columns;
        String memberList = String.join(MEMBER_SEPARATOR, members);

        Svd svd = read(file, shape, memberList, rows, columns);
        if (svd != null) {
            reused++;
            return svd;
        }

        FloatMatrix update = matrix.get();
        if (update.rows() != rows || update.columns() != columns) {
            throw new IllegalStateException("The matrix for SVD cache entry " + entry + " is " + update.rows() + " x "
                    + update.columns() + ", but " + shape + " was requested.");
        }
        svd = Svd.compute(update, PRECISION, SvdVectors.LEFT);
        write(file, svd, shape, memberList);
        computed++;
        return svd;
    }

    /** Returns the number of SVDs computed by LAPACK since this object was created. */
    public synchronized int computedCount() {
        return computed;
    }

    /** Returns the number of SVDs read from disk since this object was created. */
    public synchronized int reusedCount() {
        return reused;
    }

    /** Returns the cache folder, absolute. */
    public Path root() {
        return root;
    }

    /** Returns a line for logs: how many SVDs were computed and how many were read from which folder. */
    public synchronized String summary() {
        return computed + " computed, " + reused + " read from " + root;
    }

    private Path entryFile(String updateKey, String entry) {
        for (String part : List.of(updateKey, entry)) {
            for (String segment : part.split("/", -1)) {
                if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.contains("\\")) {
                    throw new IllegalArgumentException("Invalid SVD cache path '" + part + "': use '/'-separated"
                            + " names without empty, '.' or '..' segments and without backslashes.");
                }
            }
        }
        return root.resolve(updateKey).resolve(entry + ".safetensors");
    }

    private static Svd read(Path file, String shape, String memberList, int rows, int columns) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (SafetensorsFile cached = SafetensorsFile.open(file)) {
            Map<String, String> metadata = cached.metadata();
            if (!shape.equals(metadata.get(SHAPE)) || !memberList.equals(metadata.get(MEMBERS))) {
                LOG.warn("Ignoring the SVD cache entry {}: it holds {} of [{}], not {} of [{}]; computing it again.",
                        file, metadata.get(SHAPE), printable(metadata.get(MEMBERS)), shape, printable(memberList));
                return null;
            }
            FloatTensor u = cached.read("u");
            FloatTensor s = cached.read("s");
            int rank = Math.min(rows, columns);
            if (!Arrays.equals(u.shape(), new long[] {rows, rank}) || s.data().length != rank) {
                LOG.warn("Ignoring the SVD cache entry {}: U is {} and s has {} values, but a {} matrix needs"
                        + " [{}, {}] and {}; computing it again.", file, Arrays.toString(u.shape()), s.data().length,
                        shape, rows, rank, rank);
                return null;
            }
            double[] values = new double[rank];
            for (int i = 0; i < rank; i++) {
                values[i] = s.data()[i];
            }
            return new Svd(rows, columns, PRECISION, SvdVectors.LEFT, values, new FloatMatrix(rows, rank, u.data()),
                    null);
        } catch (SafetensorsFormatException | UncheckedIOException | IllegalArgumentException e) {
            LOG.warn("Ignoring the unreadable SVD cache entry {} ({}); computing it again.", file, e.getMessage());
            return null;
        }
    }

    private static void write(Path file, Svd svd, String shape, String memberList) {
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the SVD cache folder " + file.getParent() + ": "
                    + e.getMessage(), e);
        }
        FloatMatrix u = (FloatMatrix) svd.u();
        double[] singularValues = svd.singularValues();
        float[] values = new float[singularValues.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) singularValues[i];
        }
        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        tensors.put("u", new FloatTensor(new long[] {u.rows(), u.columns()}, u.data()));
        tensors.put("s", new FloatTensor(new long[] {values.length}, values));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("kind", "singular values and left singular vectors of a weight update (" + PRECISION + ")");
        metadata.put(SHAPE, shape);
        metadata.put(MEMBERS, memberList);
        SafetensorsWriter.write(file, tensors, SafetensorsDType.F32, metadata);
    }

    private static String printable(String memberList) {
        return memberList == null ? "" : memberList.replace(MEMBER_SEPARATOR, ", ");
    }
}
