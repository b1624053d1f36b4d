package io.github.safetyspaces.core.checkpoint;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A safetensors file opened for reading, one tensor at a time.
 *
 * <p>The layout is an 8-byte little-endian unsigned header length N, then N bytes of UTF-8 JSON
 * that map tensor names to {@code {"dtype", "shape", "data_offsets": [begin, end]}} plus an
 * optional {@code "__metadata__"} map of strings, then the raw little-endian tensor data. Offsets
 * count from the first byte after the header.
 *
 * <p>{@link #open} reads and validates the whole header (see {@link SafetensorsFormatException}
 * for what is checked) but no tensor data. Each {@link #read} reads only that tensor's bytes,
 * with positional reads of at most 8 MiB into one buffer, so files larger than 2 GiB and offsets
 * past 2^31 work and a read adds no more than the returned array to resident memory. Reading is
 * safe from several threads.
 */
public final class SafetensorsFile implements TensorSource {

    /**
     * Largest accepted header, in bytes, the same limit as the Rust safetensors crate's
     * {@code MAX_HEADER_SIZE}. A larger length means a corrupt file or one of another format.
     */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    /** Size of the header length field that starts every file. */
    static final int LENGTH_FIELD_BYTES = 8;

    /** Largest float[] or long[] a JVM reliably allocates; HotSpot reserves a few header words. */
    private static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

    private static final int DEFAULT_WINDOW_BYTES = 1 << 30;

    /** Bytes read per positional read: large enough to amortise the call, small next to a tensor. */
    private static final int READ_BUFFER_BYTES = 8 << 20;

    private static final Logger LOG = LoggerFactory.getLogger(SafetensorsFile.class);

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final SafetensorsHeader header;
    private final int windowBytes;
    private volatile boolean closed;

    private SafetensorsFile(Path file, FileChannel channel, long dataStart, SafetensorsHeader header,
            int windowBytes) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.header = header;
        this.windowBytes = windowBytes;
    }

    /**
     * Opens a safetensors file and validates its header.
     *
     * @param file path of a {@code .safetensors} file
     * @return the open file; close it to release the file handle
     * @throws SafetensorsFormatException if the file breaks the format
     * @throws UncheckedIOException if the file cannot be opened or read
     * @throws IllegalArgumentException if the path is a directory
     */
    public static SafetensorsFile open(Path file) {
        return open(file, DEFAULT_WINDOW_BYTES);
    }

    /**
     * Opens a file with a given read window, so tests can exercise multi-window reads on small
     * tensors.
     */
    static SafetensorsFile open(Path file, int windowBytes) {
        if (windowBytes < 8 || windowBytes % 8 != 0) {
            throw new IllegalArgumentException("Read window " + windowBytes
                    + " bytes must be a positive multiple of 8, so that no element straddles two windows.");
        }
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException("Safetensors path " + file + " is a directory; pass a .safetensors"
                    + " file, or open the directory with ShardedCheckpoint.open.");
        }

        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open safetensors file " + file + ": " + e, e);
        }
        try {
            long size = channel.size();
            byte[] headerBytes = readHeaderBytes(file, channel, size);
            long dataStart = LENGTH_FIELD_BYTES + (long) headerBytes.length;
            SafetensorsHeader header = SafetensorsHeader.parse(file, headerBytes, size - dataStart);
            LOG.debug("Opened {}: {} tensors, header {} bytes, data {} bytes", file, header.tensors().size(),
                    headerBytes.length, size - dataStart);
            return new SafetensorsFile(file, channel, dataStart, header, windowBytes);
        } catch (IOException e) {
            closeAfterFailure(channel, e);
            throw new UncheckedIOException("Cannot read safetensors file " + file + ": " + e, e);
        } catch (RuntimeException e) {
            closeAfterFailure(channel, e);
            throw e;
        }
    }

    private static byte[] readHeaderBytes(Path file, FileChannel channel, long size) throws IOException {
        if (size < LENGTH_FIELD_BYTES) {
            throw new SafetensorsFormatException(file, "the file has " + size
                    + " bytes, fewer than the 8-byte header length that starts every safetensors file;"
                    + " it is empty, truncated or of another format");
        }
        ByteBuffer lengthField = ByteBuffer.allocate(LENGTH_FIELD_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, lengthField, 0);
        long headerLength = lengthField.getLong(0);

        // The field is unsigned, so a negative long is a length of 2^63 bytes or more.
        if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
            throw new SafetensorsFormatException(file, "header length " + Long.toUnsignedString(headerLength)
                    + " bytes exceeds the limit of " + MAX_HEADER_BYTES
                    + " bytes; the file is corrupt or of another format");
        }
        if (headerLength > size - LENGTH_FIELD_BYTES) {
            throw new SafetensorsFormatException(file, "header length " + headerLength
                    + " bytes runs past the end of the file, which has " + size
                    + " bytes; the file is truncated or of another format");
        }

        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
        readFully(channel, headerBytes, LENGTH_FIELD_BYTES);
        return headerBytes.array();
    }

    private static void readFully(FileChannel channel, ByteBuffer target, long position) throws IOException {
        long next = position;
        while (target.hasRemaining()) {
            int count = channel.read(target, next);
            if (count < 0) {
                throw new EOFException("file ended at byte " + next + " while " + target.remaining()
                        + " more bytes were expected; was it truncated while being read?");
            }
            next += count;
        }
    }

    private static void closeAfterFailure(FileChannel channel, Exception failure) {
        try {
            channel.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * Returns the path this file was opened from.
     *
     * @return the path as given to {@link #open}
     */
    public Path file() {
        return file;
    }

    /**
     * Returns the tensor names in header order, which is the order in the file's JSON, not
     * necessarily sorted.
     *
     * @return an unmodifiable set of names
     */
    @Override
    public Set<String> names() {
        return header.tensors().keySet();
    }

    /**
     * Returns the header entry of a tensor.
     *
     * @param name tensor name
     * @return dtype, shape and byte range; offsets are relative to the start of the data section
     * @throws IllegalArgumentException if there is no tensor of that name
     */
    public TensorInfo info(String name) {
        TensorInfo info = header.tensors().get(name);
        if (info == null) {
            throw new IllegalArgumentException("No tensor named '" + name + "' in " + file + " (it has "
                    + header.tensors().size() + " tensors); check the name against names().");
        }
        return info;
    }

    /**
     * Returns the header's {@code __metadata__} strings.
     *
     * @return an unmodifiable map in header order, empty when the header has none
     */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    @Override
    public long[] shape(String name) {
        return info(name).shape();
    }

    /**
     * Reads a floating-point tensor as float32. F32 is copied exactly; F16 and BF16 are widened
     * exactly; F64 is rounded to the nearest float32.
     *
     * @param name tensor name
     * @return the tensor
     * @throws IllegalArgumentException if there is no tensor of that name, its dtype is not F64,
     *     F32, F16 or BF16, or it has more elements than fit in a Java array
     * @throws IllegalStateException if this file was closed
     * @throws UncheckedIOException if reading the data fails
     */
    @Override
    public FloatTensor read(String name) {
        TensorInfo info = info(name);
        switch (info.dtype()) {
            case F64, F32, F16, BF16 -> {
            }
            case I64, I32, I16, I8, U32, U16, U8, BOOL -> throw new IllegalArgumentException("Tensor '" + name
                    + "' in " + file + " has integer dtype " + info.dtype() + "; read it with readLongs.");
            default -> throw new IllegalArgumentException("Tensor '" + name + "' in " + file + " has dtype "
                    + info.dtype() + ", which this reader cannot convert to float32; only F64, F32, F16 and"
                    + " BF16 are supported.");
        }

        float[] values = new float[arrayLength(info)];
        readWindows(info, (window, first, count) -> decodeFloats(info.dtype(), window, values, first, count));
        return new FloatTensor(info.shape(), values);
    }

    /**
     * Reads an integer or boolean tensor as longs. Unsigned values are zero-extended and BOOL
     * bytes become 0 or 1.
     *
     * @param name tensor name
     * @return the values in row-major order
     * @throws IllegalArgumentException if there is no tensor of that name, its dtype is floating
     *     point or U64 (whose values may not fit in a long), or it has more elements than fit in a
     *     Java array
     * @throws IllegalStateException if this file was closed
     * @throws UncheckedIOException if reading the data fails
     */
    public long[] readLongs(String name) {
        TensorInfo info = info(name);
        switch (info.dtype()) {
            case I64, I32, I16, I8, U32, U16, U8, BOOL -> {
            }
            default -> throw new IllegalArgumentException("Tensor '" + name + "' in " + file + " has dtype "
                    + info.dtype() + ", which readLongs does not convert; it reads I64, I32, I16, I8, U32, U16, U8"
                    + " and BOOL, and read() reads floating-point tensors.");
        }

        long[] values = new long[arrayLength(info)];
        readWindows(info, (window, first, count) -> decodeLongs(info.dtype(), window, values, first, count));
        return values;
    }

    /** Releases the file handle. Arrays already returned stay valid; later reads fail. */
    @Override
    public void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot close safetensors file " + file + ": " + e, e);
        }
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + file + ", " + header.tensors().size() + " tensors]";
    }

    private int arrayLength(TensorInfo info) {
        long count = info.elementCount();
        if (count > MAX_ARRAY_LENGTH) {
            throw new IllegalArgumentException("Tensor '" + info.name() + "' in " + file + " has " + count
                    + " elements, more than the " + MAX_ARRAY_LENGTH + " a Java array can hold.");
        }
        return (int) count;
    }

    /** Receives one window of a tensor's data: elements {@code [first, first + count)}. */
    @FunctionalInterface
    private interface WindowDecoder {
        void decode(ByteBuffer window, int first, int count);
    }

    /**
     * Reads a tensor's bytes window by window with positional reads into one heap buffer and hands
     * each window, little-endian, to a decoder. Reading instead of mapping keeps the file's pages out
     * of this process's resident memory. Java 17 cannot unmap a buffer, so every mapped page that a
     * read touched would stay resident until the garbage collector freed its buffer.
     */
    private void readWindows(TensorInfo info, WindowDecoder decoder) {
        if (closed) {
            throw new IllegalStateException("Safetensors file " + file + " is closed; open it again to read '"
                    + info.name() + "'.");
        }
        int elementBytes = info.dtype().byteSize();
        int count = (int) info.elementCount();
        int elementsPerWindow = Math.min(windowBytes, READ_BUFFER_BYTES) / elementBytes;
        ByteBuffer window = ByteBuffer.allocate(Math.min(count, elementsPerWindow) * elementBytes)
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int first = 0; first < count; first += elementsPerWindow) {
            int windowCount = Math.min(elementsPerWindow, count - first);
            long position = dataStart + info.begin() + (long) first * elementBytes;
            window.clear().limit(windowCount * elementBytes);
            try {
                readFully(channel, window, position);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + window.limit() + " bytes at offset " + position
                        + " of " + file + " for tensor '" + info.name() + "': " + e, e);
            }
            window.flip();
            decoder.decode(window, first, windowCount);
        }
    }

    private static void decodeFloats(SafetensorsDType dtype, ByteBuffer window, float[] target, int first,
            int count) {
        switch (dtype) {
            case F32 -> window.asFloatBuffer().get(target, first, count);
            case F64 -> {
                var doubles = window.asDoubleBuffer();
                for (int i = 0; i < count; i++) {
                    target[first + i] = (float) doubles.get(i);
                }
            }
            case F16 -> {
                ShortBuffer halves = window.asShortBuffer();
                for (int i = 0; i < count; i++) {
                    target[first + i] = Float16.toFloat(halves.get(i));
                }
            }
            case BF16 -> {
                ShortBuffer halves = window.asShortBuffer();
                for (int i = 0; i < count; i++) {
                    target[first + i] = BFloat16.toFloat(halves.get(i));
                }
            }
            default -> throw new IllegalStateException("No float decoder for dtype " + dtype);
        }
    }

    private static void decodeLongs(SafetensorsDType dtype, ByteBuffer window, long[] target, int first,
            int count) {
        switch (dtype) {
            case I64 -> window.asLongBuffer().get(target, first, count);
            case I32 -> {
                for (int i = 0; i < count; i++) {
                    target[first + i] = window.getInt(4 * i);
                }
            }
            case U32 -> {
                for (int i = 0; i < count; i++) {
                    target[first + i] = Integer.toUnsignedLong(window.getInt(4 * i));
                }
            }
            case I16 -> {
                for (int i = 0; i < count; i++) {
                    target[first + i] = window.getShort(2 * i);
                }
            }
            case U16 -> {
                for (int i = 0; i < count; i++) {
                    target[first + i] = Short.toUnsignedLong(window.getShort(2 * i));
                }
            }
            case I8 -> {
                for (int i = 0; i < count; i++) {
                    target[first + i] = window.get(i);
                }
            }
            case U8 -> {
                for (int i = 0; i < count; i++) {
                    target[first + i] = Byte.toUnsignedLong(window.get(i));
                }
            }
            case BOOL -> {
                for (int i = 0; i < count; i++) {
                    target[first + i] = window.get(i) != 0 ? 1 : 0;
                }
            }
            default -> throw new IllegalStateException("No integer decoder for dtype " + dtype);
        }
    }
}
