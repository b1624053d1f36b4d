package io.github.safetyspaces.core.projection;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * An append-only file of float32 arrays by name, read back by position: the projections a
 * {@link ProjectionGroup} computes in one pass and its cells read one at a time. The file is raw
 * little-endian floats without a header, because it lives only as long as its group; the index stays
 * in memory. A name written as {@code null} reads back as zeros and takes no space.
 */
final class ScratchTensors implements AutoCloseable {

    /** Size of the native buffer between the heap arrays and the file: 1 MiB, small next to a tensor. */
    private static final int CHUNK_BYTES = 1 << 20;

    private final Path file;
    private final FileChannel channel;
    private final Map<String, long[]> index = new HashMap<>(); // name -> {offset, length}; offset -1 for zeros
    private final ByteBuffer buffer;
    private final FloatBuffer floats; // a view of the whole buffer, made while its position was 0
    private long end;

    /**
     * Creates an empty file.
     *
     * @param file the path, which must not exist
     */
    ScratchTensors(Path file) {
        this.file = file;
        try {
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the projection scratch file " + file + ": " + e
                    + ". Check that the output folder is writable.", e);
        }
        this.buffer = ByteBuffer.allocateDirect(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        this.floats = buffer.asFloatBuffer();
    }

    /**
     * Appends one array.
     *
     * @param name tensor name, not yet written
     * @param values the values, or null for an all-zero array of {@code length} values
     * @param length number of values
     */
    void append(String name, float[] values, int length) {
        if (index.containsKey(name)) {
            throw new IllegalStateException("Tensor " + name + " was already written to " + file + ".");
        }
        if (values == null) {
            index.put(name, new long[] {-1, length});
            return;
        }
        try {
            long position = end;
            for (int from = 0; from < length; from += floats.capacity()) {
                int count = Math.min(floats.capacity(), length - from);
                floats.clear();
                floats.put(values, from, count);
                buffer.clear().limit(count * Float.BYTES);
                while (buffer.hasRemaining()) {
                    position += channel.write(buffer, position);
                }
            }
            index.put(name, new long[] {end, length});
            end = position;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the projection scratch file " + file + ": " + e
                    + ". It needs as much free space as the fracs times the checkpoint's matrices in float32; free"
                    + " space there or sweep fewer fracs.", e);
        }
    }

    /**
     * Reads one array back.
     *
     * @param name a name written before
     * @return a new array
     */
    float[] read(String name) {
        long[] entry = index.get(name);
        if (entry == null) {
            throw new IllegalStateException("Tensor " + name + " is not in " + file + ".");
        }
        float[] values = new float[(int) entry[1]];
        if (entry[0] < 0) {
            return values;
        }
        try {
            long position = entry[0];
            for (int from = 0; from < values.length; from += floats.capacity()) {
                int count = Math.min(floats.capacity(), values.length - from);
                buffer.clear().limit(count * Float.BYTES);
                while (buffer.hasRemaining()) {
                    int read = channel.read(buffer, position);
                    if (read < 0) {
                        throw new IOException("the file ends at byte " + position);
                    }
                    position += read;
                }
                floats.clear();
                floats.get(values, from, count);
            }
            return values;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the projection scratch file " + file + ": " + e
                    + ". Another process may have changed the output folder during the sweep; run it again.", e);
        }
    }

    /** Closes and deletes the file. */
    @Override
    public void close() {
        try {
            channel.close();
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete the projection scratch file " + file + ": " + e
                    + ". Delete it by hand.", e);
        }
    }
}
