package io.github.safetyspaces.core.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds safetensors files byte by byte for tests, without the writer under test: a length
 * field, the JSON text exactly as given, and the data bytes.
 */
final class SafetensorsBytes {

    private SafetensorsBytes() {
    }

    /** Writes a file whose header is {@code json} as given, padded with spaces to a multiple of 8. */
    static Path write(Path file, String json, byte[] data) throws IOException {
        byte[] text = json.getBytes(StandardCharsets.UTF_8);
        int padded = (text.length + 7) / 8 * 8;
        ByteBuffer header = ByteBuffer.allocate(padded);
        header.put(text);
        while (header.hasRemaining()) {
            header.put((byte) ' ');
        }
        return writeRaw(file, padded, header.array(), data);
    }

    /** Writes a length field that may disagree with the header bytes that follow. */
    static Path writeRaw(Path file, long lengthField, byte[] header, byte[] data) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(lengthField).put(header).put(data);
        Files.write(file, bytes.array());
        return file;
    }

    static byte[] f32(float... values) {
        ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            bytes.putFloat(value);
        }
        return bytes.array();
    }

    static byte[] f64(double... values) {
        ByteBuffer bytes = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double value : values) {
            bytes.putDouble(value);
        }
        return bytes.array();
    }

    /** Encodes 16-bit patterns (F16 or BF16 bits) little-endian. */
    static byte[] u16(int... patterns) {
        ByteBuffer bytes = ByteBuffer.allocate(2 * patterns.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int pattern : patterns) {
            bytes.putShort((short) pattern);
        }
        return bytes.array();
    }

    static byte[] i32(int... values) {
        ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int value : values) {
            bytes.putInt(value);
        }
        return bytes.array();
    }

    static byte[] i64(long... values) {
        ByteBuffer bytes = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long value : values) {
            bytes.putLong(value);
        }
        return bytes.array();
    }

    static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        ByteBuffer all = ByteBuffer.allocate(length);
        for (byte[] part : parts) {
            all.put(part);
        }
        return all.array();
    }
}
