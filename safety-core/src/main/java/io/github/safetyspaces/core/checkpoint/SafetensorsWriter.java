package io.github.safetyspaces.core.checkpoint;

import com.google.gson.stream.JsonWriter;
import io.github.safetyspaces.core.io.AtomicFiles;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes float tensors to a safetensors file as F32 or BF16, laid out as Hugging Face's writer lays
 * them out: tensors sorted by name, data contiguous in that order, header padded with spaces to a
 * multiple of 8 bytes.
 *
 * <p>Writing is atomic: the data goes to a temporary file in the target's directory, which is
 * flushed to disk and then renamed over the target. A failed write deletes the temporary file and
 * leaves any existing target untouched. Where the file system cannot rename atomically, the
 * writer falls back to a plain replacing move, and a crash during that move can leave the target
 * missing or partial.
 *
 * <p>Hugging Face transformers releases before 4.48.2 reject a model file without
 * {@code {"format": "pt"}} in its metadata, so pass that map for checkpoints meant for them.
 */
public final class SafetensorsWriter {

    /** Size of the staging buffer between float arrays and the file channel. */
    private static final int BUFFER_BYTES = 1 << 20;

    /** Time between progress lines while writing a large file. */
    private static final long PROGRESS_INTERVAL_NANOS = 10_000_000_000L;

    /** Files smaller than this are logged at debug level only. */
    private static final long QUIET_BELOW_BYTES = 64L << 20;

    private static final Logger LOG = LoggerFactory.getLogger(SafetensorsWriter.class);

    private SafetensorsWriter() {
    }

    /**
     * Writes tensors held in memory.
     *
     * @param file target file; it is replaced if it exists
     * @param tensors tensors by name, in any order
     * @param dtype {@link SafetensorsDType#F32} or {@link SafetensorsDType#BF16}; BF16 rounds to
     *     nearest even
     * @param metadata strings for the header's {@code __metadata__}, written sorted by key and left
     *     out when empty
     * @throws IllegalArgumentException if the dtype is not F32 or BF16, or a tensor is named
     *     {@code __metadata__}
     * @throws UncheckedIOException if writing fails; no target file is created or changed then
     */
    public static void write(Path file, Map<String, FloatTensor> tensors, SafetensorsDType dtype,
            Map<String, String> metadata) {
        write(file, new InMemoryTensors(tensors), dtype, metadata);
    }

    /**
     * Writes the tensors of a source, reading them one at a time, so that a model read from another
     * checkpoint is never held in memory as a whole.
     *
     * <p>The header is built from {@link TensorSource#shape} before any data is read. Each tensor
     * is then read once, in name order, and must have the shape the source declared.
     *
     * @param file target file; it is replaced if it exists
     * @param source tensors to write, all of them
     * @param dtype {@link SafetensorsDType#F32} or {@link SafetensorsDType#BF16}
     * @param metadata strings for the header's {@code __metadata__}, written sorted by key and left
     *     out when empty
     * @throws IllegalArgumentException if the dtype is not F32 or BF16, or a tensor is named
     *     {@code __metadata__}
     * @throws IllegalStateException if a tensor read from the source has another shape than the
     *     source declared
     * @throws UncheckedIOException if writing fails; no target file is created or changed then
     */
    public static void write(Path file, TensorSource source, SafetensorsDType dtype, Map<String, String> metadata) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(metadata, "metadata");
        if (dtype != SafetensorsDType.F32 && dtype != SafetensorsDType.BF16) {
            throw new IllegalArgumentException("Cannot write dtype " + dtype + " to " + file
                    + "; the writer supports F32 and BF16.");
        }
        long startNanos = System.nanoTime();

        // Lay out the tensors by name, contiguous from offset 0 of the data section.
        Map<String, TensorInfo> layout = layout(file, source, dtype);
        byte[] header = headerBytes(layout, metadata);
        long dataBytes = layout.isEmpty() ? 0 : last(layout).end();
        long expectedSize = SafetensorsFile.LENGTH_FIELD_BYTES + (long) header.length + dataBytes;

        Path directory = file.toAbsolutePath().getParent();
        AtomicFiles.removeStaleTemporaries(file);
        // Files.createTempFile would give the file owner-only permissions, which the rename would
        // carry over to the target; createFile applies the usual umask instead.
        Path temporary = AtomicFiles.temporarySibling(file, "tmp");
        try {
            Files.createFile(temporary);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary file in " + directory + " to write " + file
                    + ": " + e + ". Check that the folder exists and is writable, or choose another output folder.",
                    e);
        }

        boolean moved = false;
        try {
            writeContents(file, temporary, header, layout, source, dtype, expectedSize);
            moveIntoPlace(temporary, file);
            moved = true;
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to write safetensors file " + file + ": " + e + ". Check that "
                    + directory + " is writable and has free space, or choose another output folder; the target was"
                    + " left unchanged and no partial file was left.", e);
        } finally {
            if (!moved) {
                deleteTemporary(temporary);
            }
        }
        syncDirectory(directory);

        // Small files (SVD cache entries, training states) are written often; only large ones are worth a line.
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        String message = "Wrote {} tensors ({} MB, {}) to {} in {} s";
        Object[] values = {layout.size(), String.format(Locale.ROOT, "%.1f", expectedSize / 1e6), dtype, file,
            String.format(Locale.ROOT, "%.2f", seconds)};
        if (expectedSize >= QUIET_BELOW_BYTES) {
            LOG.info(message, values);
        } else {
            LOG.debug(message, values);
        }
    }

    private static Map<String, TensorInfo> layout(Path file, TensorSource source, SafetensorsDType dtype) {
        List<String> names = new ArrayList<>(source.names());
        names.sort(null);
        Map<String, TensorInfo> layout = new LinkedHashMap<>();
        long offset = 0;
        for (String name : names) {
            if (name.equals(SafetensorsHeader.METADATA_KEY)) {
                throw new IllegalArgumentException("Cannot write a tensor named " + name + " to " + file
                        + ": the format reserves that key for metadata; rename the tensor.");
            }
            long[] shape = source.shape(name);
            long end = Math.addExact(offset, TensorInfo.byteLength(dtype, shape));
            layout.put(name, new TensorInfo(name, dtype, shape, offset, end));
            offset = end;
        }
        return layout;
    }

    private static TensorInfo last(Map<String, TensorInfo> layout) {
        TensorInfo last = null;
        for (TensorInfo info : layout.values()) {
            last = info;
        }
        return last;
    }

    /** Builds the JSON header, padded with spaces to a multiple of 8 bytes as Hugging Face pads it. */
    static byte[] headerBytes(Map<String, TensorInfo> layout, Map<String, String> metadata) {
        StringWriter text = new StringWriter();
        try (JsonWriter json = new JsonWriter(text)) {
            json.beginObject();
            if (!metadata.isEmpty()) {
                json.name(SafetensorsHeader.METADATA_KEY).beginObject();
                for (Map.Entry<String, String> entry : new TreeMap<>(metadata).entrySet()) {
                    json.name(entry.getKey()).value(entry.getValue());
                }
                json.endObject();
            }
            for (TensorInfo info : layout.values()) {
                json.name(info.name()).beginObject();
                json.name("dtype").value(info.dtype().name());
                json.name("shape").beginArray();
                for (long dimension : info.shape()) {
                    json.value(dimension);
                }
                json.endArray();
                json.name("data_offsets").beginArray().value(info.begin()).value(info.end()).endArray();
                json.endObject();
            }
            json.endObject();
        } catch (IOException e) {
            throw new UncheckedIOException("StringWriter failed, which it never should: " + e, e);
        }

        byte[] unpadded = text.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (unpadded.length + 7) / 8 * 8;
        byte[] header = Arrays.copyOf(unpadded, padded);
        Arrays.fill(header, unpadded.length, padded, (byte) ' ');
        return header;
    }

    private static void writeContents(Path file, Path temporary, byte[] header, Map<String, TensorInfo> layout,
            TensorSource source, SafetensorsDType dtype, long expectedSize) throws IOException {
        long dataMegabytes = (expectedSize - SafetensorsFile.LENGTH_FIELD_BYTES - header.length) / 1_000_000;
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);

            // Length field and header.
            buffer.putLong(header.length);
            drain(channel, buffer);
            writeFully(channel, ByteBuffer.wrap(header));

            // Tensor data, one tensor in memory at a time.
            long lastReportNanos = System.nanoTime();
            int done = 0;
            for (TensorInfo info : layout.values()) {
                if (System.nanoTime() - lastReportNanos > PROGRESS_INTERVAL_NANOS) {
                    LOG.info("Writing {}: {}/{} tensors, {}/{} MB", file, done, layout.size(),
                            info.begin() / 1_000_000, dataMegabytes);
                    lastReportNanos = System.nanoTime();
                }
                done++;
                FloatTensor tensor = source.read(info.name());
                if (!Arrays.equals(tensor.shape(), info.shape())) {
                    throw new IllegalStateException("Tensor '" + info.name() + "' was declared with shape "
                            + Arrays.toString(info.shape()) + " but read with shape "
                            + Arrays.toString(tensor.shape()) + "; the tensor source is inconsistent.");
                }
                encode(channel, buffer, tensor.data(), dtype);
            }
            drain(channel, buffer);

            if (channel.size() != expectedSize) {
                throw new IllegalStateException("Wrote " + channel.size() + " bytes to " + temporary + " but the"
                        + " header promises " + expectedSize + "; this is a bug in SafetensorsWriter.");
            }
            // Flush to disk before the rename, so that the renamed file is never seen without data.
            channel.force(true);
        }
    }

    private static void encode(FileChannel channel, ByteBuffer buffer, float[] values, SafetensorsDType dtype)
            throws IOException {
        for (float value : values) {
            if (buffer.remaining() < Float.BYTES) {
                drain(channel, buffer);
            }
            if (dtype == SafetensorsDType.BF16) {
                buffer.putShort(BFloat16.fromFloat(value));
            } else {
                // Raw bits keep NaN payloads, which putFloat does not promise.
                buffer.putInt(Float.floatToRawIntBits(value));
            }
        }
    }

    private static void drain(FileChannel channel, ByteBuffer buffer) throws IOException {
        buffer.flip();
        writeFully(channel, buffer);
        buffer.clear();
    }

    private static void writeFully(FileChannel channel, ByteBuffer source) throws IOException {
        while (source.hasRemaining()) {
            channel.write(source);
        }
    }

    private static void moveIntoPlace(Path temporary, Path file) throws IOException {
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            LOG.warn("File system of {} cannot rename atomically ({}); replacing the file with a plain move",
                    file, e.getMessage());
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteTemporary(Path temporary) {
        try {
            Files.deleteIfExists(temporary);
        } catch (IOException e) {
            LOG.warn("Cannot delete temporary file {} after a failed write: {}", temporary, e.toString());
        }
    }

    /**
     * Flushes the directory entry of the renamed file, so that the rename survives a crash. Linux
     * supports this; other systems may reject opening a directory, and then the rename is durable
     * only once the system flushes on its own.
     */
    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            LOG.debug("Cannot flush directory {} after the rename: {}", directory, e.toString());
        }
    }
}
