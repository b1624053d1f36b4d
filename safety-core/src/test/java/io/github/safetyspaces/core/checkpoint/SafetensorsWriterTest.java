package io.github.safetyspaces.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsWriterTest {

    @TempDir
    Path dir;

    private static FloatTensor randomTensor(SplittableRandom random, long... shape) {
        float[] data = new float[(int) FloatTensor.elementCount(shape)];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian() * 10;
        }
        return new FloatTensor(shape, data);
    }

    /** Tensors given out of name order, including a scalar and an empty tensor. */
    private static Map<String, FloatTensor> sampleTensors() {
        SplittableRandom random = new SplittableRandom(5);
        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        tensors.put("model.norm.weight", randomTensor(random, 6));
        tensors.put("lm_head.weight", randomTensor(random, 3, 4));
        tensors.put("model.embed_tokens.weight", randomTensor(random, 4, 2, 2));
        tensors.put("scale", new FloatTensor(new long[] {}, new float[] {-0.0f}));
        tensors.put("empty", new FloatTensor(new long[] {0, 5}, new float[0]));
        tensors.put("special", new FloatTensor(new long[] {5}, new float[] {Float.MIN_VALUE, Float.MAX_VALUE,
                Float.NEGATIVE_INFINITY, Float.NaN, 1e-40f}));
        return tensors;
    }

    private static List<String> filesIn(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void f32RoundTrip() throws IOException {
        Path path = dir.resolve("model.safetensors");
        Map<String, FloatTensor> tensors = sampleTensors();
        SafetensorsWriter.write(path, tensors, SafetensorsDType.F32, Map.of("format", "pt"));

        try (SafetensorsFile file = SafetensorsFile.open(path)) {
            assertEquals(tensors.keySet(), file.names());
            assertEquals(Map.of("format", "pt"), file.metadata());
            for (Map.Entry<String, FloatTensor> entry : tensors.entrySet()) {
                assertEquals(SafetensorsDType.F32, file.info(entry.getKey()).dtype());
                assertEquals(entry.getValue(), file.read(entry.getKey()), entry.getKey());
            }
        }
        assertEquals(List.of("model.safetensors"), filesIn(dir));
    }

    /** Checks the layout with an independent JSON parser: sorted names, contiguous data, padding. */
    @Test
    void layoutMatchesHuggingFace() throws IOException {
        Path path = dir.resolve("layout.safetensors");
        Map<String, FloatTensor> tensors = sampleTensors();
        SafetensorsWriter.write(path, tensors, SafetensorsDType.BF16, Map.of("b", "2", "a", "1"));

        byte[] bytes = Files.readAllBytes(path);
        long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertEquals(0, headerLength % 8, "header length is a multiple of 8");
        String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        assertEquals(header.stripTrailing() + " ".repeat(header.length() - header.stripTrailing().length()), header);
        assertTrue(header.stripTrailing().endsWith("}"), header);

        JsonObject json = JsonParser.parseString(header).getAsJsonObject();
        List<String> keys = new ArrayList<>(json.keySet());
        assertEquals("__metadata__", keys.get(0));
        assertEquals("{\"a\":\"1\",\"b\":\"2\"}", json.get("__metadata__").toString());

        List<String> names = keys.subList(1, keys.size());
        List<String> sorted = new ArrayList<>(tensors.keySet());
        sorted.sort(null);
        assertEquals(sorted, names);

        long expectedBegin = 0;
        for (String name : names) {
            JsonObject entry = json.getAsJsonObject(name);
            assertEquals("BF16", entry.get("dtype").getAsString());
            JsonArray shape = entry.getAsJsonArray("shape");
            long[] expectedShape = tensors.get(name).shape();
            assertEquals(expectedShape.length, shape.size(), name);
            for (int i = 0; i < expectedShape.length; i++) {
                assertEquals(expectedShape[i], shape.get(i).getAsLong(), name);
            }
            JsonArray offsets = entry.getAsJsonArray("data_offsets");
            assertEquals(expectedBegin, offsets.get(0).getAsLong(), name);
            long expectedEnd = expectedBegin + 2L * tensors.get(name).data().length;
            assertEquals(expectedEnd, offsets.get(1).getAsLong(), name);
            expectedBegin = expectedEnd;
        }
        assertEquals(8 + headerLength + expectedBegin, bytes.length, "no bytes after the last tensor");
    }

    @Test
    void bf16RoundTripExactForRepresentableValues() throws IOException {
        SplittableRandom random = new SplittableRandom(9);
        float[] values = new float[1000];
        for (int i = 0; i < values.length; i++) {
            float value;
            do {
                value = Float.intBitsToFloat(random.nextInt() & 0xFFFF_0000);
            } while (Float.isNaN(value));
            values[i] = value;
        }
        FloatTensor tensor = new FloatTensor(new long[] {10, 100}, values);
        Path path = dir.resolve("bf16.safetensors");
        SafetensorsWriter.write(path, Map.of("w", tensor), SafetensorsDType.BF16, Map.of());

        try (SafetensorsFile file = SafetensorsFile.open(path)) {
            assertEquals(SafetensorsDType.BF16, file.info("w").dtype());
            assertTrue(file.metadata().isEmpty());
            assertEquals(tensor, file.read("w"));
        }
    }

    @Test
    void bf16WritesRoundedBits() throws IOException {
        // 1 + 2^-8 is a tie that rounds to even (1.0); 1 + 3 * 2^-8 is a tie that rounds up to
        // 1.015625; the NaN must stay NaN.
        float[] values = {1.00390625f, 1.01171875f, Float.NaN};
        Path path = dir.resolve("rounded.safetensors");
        SafetensorsWriter.write(path, Map.of("w", new FloatTensor(new long[] {3}, values)), SafetensorsDType.BF16,
                Map.of());

        byte[] bytes = Files.readAllBytes(path);
        ByteBuffer data = ByteBuffer.wrap(bytes, bytes.length - 6, 6).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals((short) 0x3F80, data.getShort());
        assertEquals((short) 0x3F82, data.getShort());
        short nan = data.getShort();
        assertEquals(0x7F80, nan & 0x7F80, "exponent all ones");
        assertTrue((nan & 0x007F) != 0, "nonzero mantissa keeps it NaN");
    }

    @Test
    void streamsFromAnotherFile() throws IOException {
        Path first = dir.resolve("first.safetensors");
        Map<String, FloatTensor> tensors = sampleTensors();
        SafetensorsWriter.write(first, tensors, SafetensorsDType.F32, Map.of());
        Path second = dir.resolve("second.safetensors");
        try (SafetensorsFile source = SafetensorsFile.open(first)) {
            SafetensorsWriter.write(second, source, SafetensorsDType.F32, Map.of("source", "first"));
        }
        try (SafetensorsFile copy = SafetensorsFile.open(second)) {
            for (Map.Entry<String, FloatTensor> entry : tensors.entrySet()) {
                assertEquals(entry.getValue(), copy.read(entry.getKey()));
            }
            assertEquals(Map.of("source", "first"), copy.metadata());
        }
    }

    @Test
    void replacesExistingFile() throws IOException {
        Path path = dir.resolve("model.safetensors");
        SafetensorsWriter.write(path, Map.of("a", new FloatTensor(new long[] {1}, new float[] {1})),
                SafetensorsDType.F32, Map.of());
        SafetensorsWriter.write(path, Map.of("b", new FloatTensor(new long[] {2}, new float[] {2, 3})),
                SafetensorsDType.F32, Map.of());
        try (SafetensorsFile file = SafetensorsFile.open(path)) {
            assertEquals(Set.of("b"), file.names());
            assertArrayEquals(new float[] {2, 3}, file.read("b").data());
        }
        assertEquals(List.of("model.safetensors"), filesIn(dir));
    }

    @Test
    void noTensorsWritesEmptyHeader() throws IOException {
        Path path = dir.resolve("empty.safetensors");
        SafetensorsWriter.write(path, Map.of(), SafetensorsDType.F32, Map.of());
        assertEquals(16, Files.size(path), "length field plus {} padded to 8 bytes");
        try (SafetensorsFile file = SafetensorsFile.open(path)) {
            assertTrue(file.names().isEmpty());
        }
    }

    @Test
    void unwritableDirectoryLeavesNothing() throws IOException {
        // A regular file in place of the parent directory fails on every user, root included.
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
        Path target = notADirectory.resolve("model.safetensors");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> SafetensorsWriter.write(target,
                Map.of("a", new FloatTensor(new long[] {1}, new float[] {1})), SafetensorsDType.F32, Map.of()));
        assertTrue(e.getMessage().contains(target.toString()), e.getMessage());
        assertFalse(Files.exists(target));
        assertEquals(List.of("plain-file"), filesIn(dir));
    }

    @Test
    void failingSourceLeavesNoFiles() throws IOException {
        TensorSource failing = new TensorSource() {
            @Override
            public Set<String> names() {
                return Set.of("a", "b");
            }

            @Override
            public long[] shape(String name) {
                return new long[] {2};
            }

            @Override
            public FloatTensor read(String name) {
                if (name.equals("b")) {
                    throw new IllegalStateException("disk gone while reading b");
                }
                return new FloatTensor(new long[] {2}, new float[] {1, 2});
            }
        };
        Path target = dir.resolve("model.safetensors");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SafetensorsWriter.write(target, failing, SafetensorsDType.F32, Map.of()));
        assertEquals("disk gone while reading b", e.getMessage());
        assertTrue(filesIn(dir).isEmpty(), "left behind: " + filesIn(dir));
    }

    @Test
    void shapeMismatchLeavesExistingTargetUnchanged() throws IOException {
        Path target = dir.resolve("model.safetensors");
        SafetensorsWriter.write(target, Map.of("old", new FloatTensor(new long[] {1}, new float[] {4})),
                SafetensorsDType.F32, Map.of());
        byte[] before = Files.readAllBytes(target);

        TensorSource inconsistent = new TensorSource() {
            @Override
            public Set<String> names() {
                return Set.of("w");
            }

            @Override
            public long[] shape(String name) {
                return new long[] {2, 2};
            }

            @Override
            public FloatTensor read(String name) {
                return new FloatTensor(new long[] {4}, new float[] {1, 2, 3, 4});
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SafetensorsWriter.write(target, inconsistent, SafetensorsDType.BF16, Map.of()));
        assertTrue(e.getMessage().contains("'w'"), e.getMessage());
        assertTrue(e.getMessage().contains("[2, 2]"), e.getMessage());
        assertTrue(e.getMessage().contains("[4]"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(target));
        assertEquals(List.of("model.safetensors"), filesIn(dir));
    }

    @Test
    void rejectsUnsupportedDtype() {
        Path target = dir.resolve("f16.safetensors");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafetensorsWriter.write(
                target, Map.of(), SafetensorsDType.F16, Map.of()));
        assertTrue(e.getMessage().contains("F16"), e.getMessage());
        assertFalse(Files.exists(target));
    }

    @Test
    void rejectsMetadataTensorName() throws IOException {
        Path target = dir.resolve("bad.safetensors");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafetensorsWriter.write(
                target, Map.of("__metadata__", new FloatTensor(new long[] {1}, new float[] {1})),
                SafetensorsDType.F32, Map.of()));
        assertTrue(e.getMessage().contains("__metadata__"), e.getMessage());
        assertTrue(filesIn(dir).isEmpty());
    }
}
