package io.github.safetyspaces.core.checkpoint;

import static io.github.safetyspaces.core.checkpoint.SafetensorsBytes.bytes;
import static io.github.safetyspaces.core.checkpoint.SafetensorsBytes.f32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Each malformed file must raise SafetensorsFormatException naming the file, tensor and problem. */
class SafetensorsValidationTest {

    @TempDir
    Path dir;

    private Path file(String json, byte[] data) throws IOException {
        return SafetensorsBytes.write(dir.resolve("bad.safetensors"), json, data);
    }

    /** Opens a file that must be rejected and checks the exception names file, tensor and problem. */
    private static SafetensorsFormatException assertRejected(Path path, String tensor, String... problemWords) {
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> {
            SafetensorsFile opened = SafetensorsFile.open(path);
            opened.close();
        });
        String message = e.getMessage();
        assertTrue(message.contains(path.toString()), "file missing from: " + message);
        assertEquals(path, e.file());
        assertEquals(Optional.ofNullable(tensor), e.tensor());
        if (tensor != null) {
            assertTrue(message.contains("'" + tensor + "'"), "tensor missing from: " + message);
        }
        for (String word : problemWords) {
            assertTrue(message.contains(word), "'" + word + "' missing from: " + message);
        }
        return e;
    }

    @Test
    void emptyFile() throws IOException {
        Path path = Files.write(dir.resolve("empty.safetensors"), new byte[0]);
        assertRejected(path, null, "0 bytes", "fewer than the 8-byte header length");
    }

    @Test
    void shorterThanLengthField() throws IOException {
        Path path = Files.write(dir.resolve("short.safetensors"), bytes(1, 0, 0, 0, 0));
        assertRejected(path, null, "5 bytes", "fewer than the 8-byte header length");
    }

    @Test
    void headerLengthPastEndOfFile() throws IOException {
        byte[] header = "{}      ".getBytes(StandardCharsets.US_ASCII);
        Path path = SafetensorsBytes.writeRaw(dir.resolve("bad.safetensors"), 100, header, new byte[0]);
        assertRejected(path, null, "header length 100", "past the end of the file", "16 bytes");
    }

    @Test
    void headerLengthOverLimit() throws IOException {
        // A sparse file long enough that the length is not also past the end of the file.
        Path path = dir.resolve("huge-header.safetensors");
        long headerLength = SafetensorsFile.MAX_HEADER_BYTES + 8;
        try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw")) {
            raf.setLength(8 + headerLength + 8);
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerLength).array());
        }
        assertRejected(path, null, "header length 100000008", "exceeds the limit");
    }

    @Test
    void headerLengthWithTopBitSet() throws IOException {
        Path path = SafetensorsBytes.writeRaw(dir.resolve("bad.safetensors"), -1L, "{}      ".getBytes(
                StandardCharsets.US_ASCII), new byte[0]);
        assertRejected(path, null, "18446744073709551615", "exceeds the limit");
    }

    @Test
    void invalidJson() throws IOException {
        assertRejected(file("{\"a\": {\"dtype\": F32}}", new byte[0]), null, "not valid JSON");
    }

    @Test
    void truncatedJson() throws IOException {
        assertRejected(file("{\"a\": {\"dtype\": \"F32\",", new byte[0]), null, "not valid JSON");
    }

    @Test
    void headerNotAnObject() throws IOException {
        assertRejected(file("[1, 2]", new byte[0]), null, "is an array", "must be an object");
    }

    @Test
    void contentAfterObject() throws IOException {
        assertRejected(file("{} {}", new byte[0]), null, "not valid JSON");
    }

    @Test
    void headerNotUtf8() throws IOException {
        byte[] header = bytes('{', '"', 0xC3, 0x28, '"', ':', '1', '}');
        Path path = SafetensorsBytes.writeRaw(dir.resolve("bad.safetensors"), header.length, header, new byte[0]);
        assertRejected(path, null, "not valid UTF-8");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dtype", "shape", "data_offsets"})
    void missingField(String field) throws IOException {
        String entry = "{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";
        String withoutField = entry.replaceAll("\"" + field + "\":(\"F32\"|\\[[0-9,]*\\]),?", "").replace(",}", "}");
        assertTrue(!withoutField.contains(field), withoutField);
        assertRejected(file("{\"t.weight\":" + withoutField + "}", f32(1, 2)), "t.weight", "missing", field);
    }

    static Stream<Arguments> wrongTypes() {
        return Stream.of(
                Arguments.of("\"x\"", "the entry is a string", "must be an object"),
                Arguments.of("{\"dtype\":4,\"shape\":[2],\"data_offsets\":[0,8]}", "dtype is a number",
                        "must be a string"),
                Arguments.of("{\"dtype\":\"F32\",\"shape\":\"2\",\"data_offsets\":[0,8]}", "shape is a string",
                        "array of integers"),
                Arguments.of("{\"dtype\":\"F32\",\"shape\":[\"2\"],\"data_offsets\":[0,8]}", "shape[0] is a string",
                        "integer"),
                Arguments.of("{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}", "shape[0] is 2.5",
                        "integer"),
                Arguments.of("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":{\"begin\":0}}",
                        "data_offsets is an object", "array of integers"),
                Arguments.of("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}", "data_offsets [0]",
                        "exactly two entries"),
                Arguments.of("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,8]}", "data_offsets [0, 8, 8]",
                        "exactly two entries"),
                Arguments.of("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,99999999999999999999]}",
                        "data_offsets[1] is 99999999999999999999", "64-bit"),
                Arguments.of("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[null,8]}", "data_offsets[0] is null",
                        "integer"),
                Arguments.of("{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}",
                        "field dtype twice", "dtype"));
    }

    @ParameterizedTest
    @MethodSource
    void wrongTypes(String entry, String problem, String hint) throws IOException {
        assertRejected(file("{\"t.weight\":" + entry + "}", f32(1, 2)), "t.weight", problem, hint);
    }

    @Test
    void metadataValueNotString() throws IOException {
        String json = "{\"__metadata__\":{\"step\":3},\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        assertRejected(file(json, f32(1, 2)), null, "__metadata__", "'step'", "must be a string");
    }

    @Test
    void metadataNotObject() throws IOException {
        assertRejected(file("{\"__metadata__\":[\"pt\"]}", new byte[0]), null, "__metadata__ is an array");
    }

    @Test
    void unknownDtype() throws IOException {
        String json = "{\"t.weight\":{\"dtype\":\"F17\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        assertRejected(file(json, f32(1, 2)), "t.weight", "unknown dtype 'F17'", "BF16");
    }

    @Test
    void dtypeIsCaseSensitive() throws IOException {
        String json = "{\"t.weight\":{\"dtype\":\"f32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        assertRejected(file(json, f32(1, 2)), "t.weight", "unknown dtype 'f32'");
    }

    @Test
    void negativeDimension() throws IOException {
        String json = "{\"t.weight\":{\"dtype\":\"F32\",\"shape\":[-1,2],\"data_offsets\":[0,8]}}";
        assertRejected(file(json, f32(1, 2)), "t.weight", "negative dimension -1");
    }

    @Test
    void shapeOverflowsSize() throws IOException {
        String json = "{\"t.weight\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,8]}}";
        assertRejected(file(json, f32(1, 2)), "t.weight", "more bytes than a 64-bit size");
    }

    @Test
    void beginAfterEnd() throws IOException {
        String json = "{\"t.weight\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}";
        assertRejected(file(json, f32(1, 2, 3)), "t.weight", "data_offsets [8, 4]", "begin is after end");
    }

    @Test
    void negativeOffset() throws IOException {
        String json = "{\"t.weight\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}";
        assertRejected(file(json, f32(1, 2)), "t.weight", "negative offset");
    }

    @Test
    void endPastDataSection() throws IOException {
        String json = "{\"t.weight\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}";
        assertRejected(file(json, f32(1, 2)), "t.weight", "end 16", "past the end of the data section",
                "8 bytes", "truncated");
    }

    @Test
    void byteLengthMismatch() throws IOException {
        String json = "{\"t.weight\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}";
        assertRejected(file(json, f32(1, 2, 3)), "t.weight", "span 8 bytes", "needs 12 bytes");
    }

    @Test
    void overlappingTensors() throws IOException {
        String json = "{"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}"
                + "}";
        assertRejected(file(json, f32(1, 2, 3)), "b", "overlap", "'a'", "[0, 8]");
    }

    @Test
    void emptyTensorInsideAnotherIsAccepted() throws IOException {
        String json = "{"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,4]}"
                + "}";
        try (SafetensorsFile opened = SafetensorsFile.open(file(json, f32(1, 2)))) {
            assertEquals(0, opened.read("e").data().length);
        }
    }

    @Test
    void duplicateTensorName() throws IOException {
        String json = "{"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}"
                + "}";
        assertRejected(file(json, f32(1, 2)), "a", "twice");
    }

    @Test
    void unreadableFileIsUncheckedIo() {
        Path missing = dir.resolve("missing.safetensors");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> SafetensorsFile.open(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    /** Cutting a valid file at any length must give a format error, never another exception. */
    @Test
    void everyTruncationIsRejected() throws IOException {
        String json = "{"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[8,12]}"
                + "}";
        byte[] valid = Files.readAllBytes(file(json, SafetensorsBytes.concat(f32(1, 2), f32(3))));
        Path cut = dir.resolve("cut.safetensors");
        for (int length = 0; length < valid.length; length++) {
            Files.write(cut, Arrays.copyOf(valid, length));
            assertThrows(SafetensorsFormatException.class, () -> SafetensorsFile.open(cut).close(),
                    "truncated to " + length + " bytes");
        }
    }

    /** Random byte damage to the header may be accepted or rejected, but only with a format error. */
    @Test
    void damagedHeadersFailCleanly() throws IOException {
        String json = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[8,12]}"
                + "}";
        byte[] valid = Files.readAllBytes(file(json, SafetensorsBytes.concat(f32(1, 2), f32(3))));
        int headerEnd = 8 + (int) ByteBuffer.wrap(valid).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        SplittableRandom random = new SplittableRandom(11);
        Path damaged = dir.resolve("damaged.safetensors");
        for (int trial = 0; trial < 3000; trial++) {
            byte[] copy = valid.clone();
            int flips = 1 + random.nextInt(3);
            for (int i = 0; i < flips; i++) {
                copy[random.nextInt(headerEnd)] = (byte) random.nextInt(256);
            }
            Files.write(damaged, copy);
            try (SafetensorsFile opened = SafetensorsFile.open(damaged)) {
                for (String name : opened.names()) {
                    opened.shape(name);
                }
            } catch (SafetensorsFormatException expected) {
                // Rejected cleanly.
            } catch (RuntimeException e) {
                fail("trial " + trial + " threw " + e, e);
            }
        }
    }
}
