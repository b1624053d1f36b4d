package io.github.safetyspaces.core.linalg;

import io.github.safetyspaces.core.checkpoint.FloatTensor;
import io.github.safetyspaces.core.checkpoint.SafetensorsDType;
import io.github.safetyspaces.core.checkpoint.SafetensorsFile;
import io.github.safetyspaces.core.checkpoint.SafetensorsFormatException;
import io.github.safetyspaces.core.checkpoint.SafetensorsWriter;
import io.github.safetyspaces.core.io.InterProcessLock;
import io.github.safetyspaces.core.io.Sha256;
import io.github.safetyspaces.core.io.AtomicFiles;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
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
 * shape m x n, the stacked tensors in order, and the SHA-256 of the tensor data. An entry is used only when
 * all three match; otherwise the SVD is computed again and the entry replaced, with a warning naming the file.
 *
 * <p>Every SVD is the full-spectrum float32 {@code sgesdd} of {@link Svd#compute}. LAPACK returns the
 * singular values in float32, so storing them as float32 loses nothing and a cached SVD equals the
 * computed one. Entries are written atomically by {@link SafetensorsWriter}, so an interrupted run
 * leaves either a complete entry or none.
 *
 * <p>Several builds, or the threads of one {@code -T 2} build, may share the folder. Each entry has a
 * hidden lock file beside it ({@code .<entry>.safetensors.lock}), held through {@link InterProcessLock}
 * while the entry is read, computed and written. A second caller of the same entry waits, then reads what
 * the first wrote, so each SVD is computed once. Callers of different entries do not wait for each other.
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

    /** Metadata key of the SHA-256 of the data: the little-endian float32 bytes of u, then of s. */
    private static final String DATA_SHA256 = "data_sha256";

    private final Path root;
    private final AtomicInteger computed = new AtomicInteger();
    private final AtomicInteger reused = new AtomicInteger();

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
     * Nothing is kept in memory between calls. Holds the entry's lock from the read to the write, so a
     * caller in another thread or process asking for the same entry waits and then reads it.
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
     * @throws UncheckedIOException naming the path when the lock file or the entry cannot be written
     */
    public Svd leftSvd(String updateKey, String entry, List<String> members, int rows, int columns,
            Supplier<FloatMatrix> matrix) {
        Path file = entryFile(updateKey, entry);
        String shape = rows + " x " + columns;
        String memberList = String.join(MEMBER_SEPARATOR, members);

        InterProcessLock entryLock;
        try {
            entryLock = InterProcessLock.acquire(lockFile(file), "SVD cache entry " + entry);
        } catch (UncheckedIOException e) {
            // A read-only cache can still serve its entries. No process can write them, so there is nothing to lock.
            Svd cached = read(file, shape, memberList, rows, columns);
            if (cached == null) {
                throw e;
            }
            LOG.debug("Read {} without its lock, which cannot be created: {}", file, e.getMessage());
            reused.incrementAndGet();
            return cached;
        }
        try (InterProcessLock lock = entryLock) {
            // Every writer of this entry holds the lock, so a temporary of it now is from a killed process.
            AtomicFiles.removeStaleTemporaries(file, Duration.ZERO);
            Svd svd = read(file, shape, memberList, rows, columns);
            if (svd != null) {
                reused.incrementAndGet();
                return svd;
            }

            FloatMatrix update = matrix.get();
            if (update.rows() != rows || update.columns() != columns) {
                throw new IllegalStateException("The matrix for SVD cache entry " + entry + " is " + update.rows()
                        + " x " + update.columns() + ", but " + shape + " was requested.");
            }
            svd = Svd.compute(update, PRECISION, SvdVectors.LEFT);
            write(file, svd, shape, memberList);
            computed.incrementAndGet();
            return svd;
        }
    }

    /** Returns the number of SVDs computed by LAPACK since this object was created. */
    public int computedCount() {
        return computed.get();
    }

    /** Returns the number of SVDs read from disk since this object was created. */
    public int reusedCount() {
        return reused.get();
    }

    /** Returns the cache folder, absolute. */
    public Path root() {
        return root;
    }

    /** Returns a line for logs: how many SVDs were computed and how many were read from which folder. */
    public String summary() {
        return computed.get() + " computed, " + reused.get() + " read from " + root;
    }

    /** Returns the lock file of an entry: a hidden sibling, which the result listings skip. */
    static Path lockFile(Path entryFile) {
        return entryFile.resolveSibling("." + entryFile.getFileName() + ".lock");
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
            String stored = metadata.get(DATA_SHA256);
            String actual = dataDigest(u.data(), s.data());
            if (!actual.equals(stored)) {
                LOG.warn("Ignoring the corrupt SVD cache entry {}: its data has SHA-256 {}, but the entry records {};"
                        + " computing it again and replacing the file.", file, actual, stored);
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
        AtomicFiles.createDirectories(file.getParent(), "SVD cache folder");
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
        metadata.put(DATA_SHA256, dataDigest(u.data(), values));
        SafetensorsWriter.write(file, tensors, SafetensorsDType.F32, metadata);
    }

    /** Hashes the float32 values of u and then of s as the file stores them: little-endian raw bits. */
    private static String dataDigest(float[] u, float[] s) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no SHA-256, which every Java 17 runtime must provide.", e);
        }
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] values : List.of(u, s)) {
            for (float value : values) {
                if (buffer.remaining() < Float.BYTES) {
                    digest.update(buffer.flip());
                    buffer.clear();
                }
                buffer.putInt(Float.floatToRawIntBits(value));
            }
        }
        digest.update(buffer.flip());
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String printable(String memberList) {
        return memberList == null ? "" : memberList.replace(MEMBER_SEPARATOR, ", ");
    }
}
