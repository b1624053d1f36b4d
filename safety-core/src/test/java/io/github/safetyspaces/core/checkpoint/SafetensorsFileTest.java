package io.github.safetyspaces.core.checkpoint;

import static io.github.safetyspaces.core.checkpoint.SafetensorsBytes.bytes;
import static io.github.safetyspaces.core.checkpoint.SafetensorsBytes.concat;
import static io.github.safetyspaces.core.checkpoint.SafetensorsBytes.f32;
import static io.github.safetyspaces.core.checkpoint.SafetensorsBytes.f64;
import static io.github.safetyspaces.core.checkpoint.SafetensorsBytes.i32;
import static io.github.safetyspaces.core.checkpoint.SafetensorsBytes.i64;
import static io.github.safetyspaces.core.checkpoint.SafetensorsBytes.u16;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {

    @TempDir
    Path dir;

    /** Builds a file byte by byte, with tensors out of name order and the metadata between them. */
    private Path handWrittenFile() throws IOException {
        String json = "{"
                + "\"z.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"__metadata__\":{\"format\":\"pt\",\"note\":\"gr\u00fc\u00dfe\"},"
                + "\"a.weight\":{\"shape\":[2,2],\"data_offsets\":[8,16],\"dtype\":\"BF16\"},"
                + "\"m.half\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[16,22]},"
                + "\"ids\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[22,38]},"
                + "\"scalar\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[38,42]},"
                + "\"empty\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[42,42]},"
                + "\"wide\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[42,58]}"
                + "}";
        byte[] data = concat(
                f32(1.5f, -2.25f),
                u16(0x3F80, 0xC000, 0x4049, 0x0000),
                u16(0x3C00, 0x7BFF, 0x0001),
                i64(-1L, 1L << 40),
                f32(7f),
                f64(0.1, -1e300));
        return SafetensorsBytes.write(dir.resolve("hand.safetensors"), json, data);
    }

    @Test
    void handWrittenFileNamesAndMetadata() throws IOException {
        try (SafetensorsFile file = SafetensorsFile.open(handWrittenFile())) {
            assertEquals(List.of("z.bias", "a.weight", "m.half", "ids", "scalar", "empty", "wide"),
                    List.copyOf(file.names()));
            assertEquals(Map.of("format", "pt", "note", "gr\u00fc\u00dfe"), file.metadata());
            assertEquals(List.of("format", "note"), List.copyOf(file.metadata().keySet()));
        }
    }

    @Test
    void handWrittenFileInfo() throws IOException {
        try (SafetensorsFile file = SafetensorsFile.open(handWrittenFile())) {
            TensorInfo weight = file.info("a.weight");
            assertEquals(SafetensorsDType.BF16, weight.dtype());
            assertArrayEquals(new long[] {2, 2}, weight.shape());
            assertEquals(8, weight.begin());
            assertEquals(16, weight.end());
            assertEquals(4, weight.elementCount());
            assertArrayEquals(new long[] {}, file.shape("scalar"));
            assertArrayEquals(new long[] {0, 3}, file.shape("empty"));
        }
    }

    @Test
    void handWrittenFileValues() throws IOException {
        try (SafetensorsFile file = SafetensorsFile.open(handWrittenFile())) {
            assertArrayEquals(new float[] {1.5f, -2.25f}, file.read("z.bias").data());
            assertArrayEquals(new float[] {1f, -2f, 3.140625f, 0f}, file.read("a.weight").data());
            assertArrayEquals(new float[] {1f, 65504f, 5.9604644775390625e-8f}, file.read("m.half").data());
            assertArrayEquals(new long[] {-1L, 1L << 40}, file.readLongs("ids"));
            assertArrayEquals(new float[] {7f}, file.read("scalar").data());
            assertEquals(0, file.read("empty").data().length);
            assertArrayEquals(new long[] {0, 3}, file.read("empty").shape());
            assertArrayEquals(new float[] {0.1f, Float.NEGATIVE_INFINITY}, file.read("wide").data());
        }
    }

    @Test
    void integerDtypesWidenToLong() throws IOException {
        String json = "{"
                + "\"i32\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"u32\":{\"dtype\":\"U32\",\"shape\":[1],\"data_offsets\":[8,12]},"
                + "\"i16\":{\"dtype\":\"I16\",\"shape\":[1],\"data_offsets\":[12,14]},"
                + "\"u16\":{\"dtype\":\"U16\",\"shape\":[1],\"data_offsets\":[14,16]},"
                + "\"i8\":{\"dtype\":\"I8\",\"shape\":[2],\"data_offsets\":[16,18]},"
                + "\"u8\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[18,20]},"
                + "\"mask\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[20,23]}"
                + "}";
        byte[] data = concat(i32(-5, 70_000), i32(0xFFFF_FFFF), u16(0x8000), u16(0xFFFF),
                bytes(0xFF, 0x7F), bytes(0xFF, 0x01), bytes(1, 0, 1));
        Path path = SafetensorsBytes.write(dir.resolve("ints.safetensors"), json, data);
        try (SafetensorsFile file = SafetensorsFile.open(path)) {
            assertArrayEquals(new long[] {-5, 70_000}, file.readLongs("i32"));
            assertArrayEquals(new long[] {4_294_967_295L}, file.readLongs("u32"));
            assertArrayEquals(new long[] {-32_768}, file.readLongs("i16"));
            assertArrayEquals(new long[] {65_535}, file.readLongs("u16"));
            assertArrayEquals(new long[] {-1, 127}, file.readLongs("i8"));
            assertArrayEquals(new long[] {255, 1}, file.readLongs("u8"));
            assertArrayEquals(new long[] {1, 0, 1}, file.readLongs("mask"));
        }
    }

    @Test
    void smallWindowsReadSameValues() throws IOException {
        SplittableRandom random = new SplittableRandom(3);
        float[] floats = new float[37];
        for (int i = 0; i < floats.length; i++) {
            floats[i] = (float) random.nextGaussian();
        }
        int[] halves = new int[21];
        float[] halfValues = new float[21];
        for (int i = 0; i < halves.length; i++) {
            // Small integers are exact in bfloat16: value i - 10 has the bits of the float's top half.
            halfValues[i] = i - 10;
            halves[i] = Float.floatToRawIntBits(halfValues[i]) >>> 16;
        }
        long[] longs = {1, -2, 3, Long.MAX_VALUE, Long.MIN_VALUE};
        String json = "{"
                + "\"f\":{\"dtype\":\"F32\",\"shape\":[37],\"data_offsets\":[0,148]},"
                + "\"h\":{\"dtype\":\"BF16\",\"shape\":[3,7],\"data_offsets\":[148,190]},"
                + "\"l\":{\"dtype\":\"I64\",\"shape\":[5],\"data_offsets\":[190,230]}"
                + "}";
        Path path = SafetensorsBytes.write(dir.resolve("windows.safetensors"), json,
                concat(f32(floats), u16(halves), i64(longs)));

        // An 8-byte window fits two F32, four BF16 or one I64 element, so every tensor spans
        // many windows and the last window is partial.
        try (SafetensorsFile file = SafetensorsFile.open(path, 8)) {
            assertArrayEquals(floats, file.read("f").data());
            assertArrayEquals(halfValues, file.read("h").data());
            assertArrayEquals(longs, file.readLongs("l"));
        }
    }

    @Test
    void readRejectsIntegerTensor() throws IOException {
        try (SafetensorsFile file = SafetensorsFile.open(handWrittenFile())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> file.read("ids"));
            assertTrue(e.getMessage().contains("'ids'"), e.getMessage());
            assertTrue(e.getMessage().contains("readLongs"), e.getMessage());
        }
    }

    @Test
    void readLongsRejectsFloatTensor() throws IOException {
        try (SafetensorsFile file = SafetensorsFile.open(handWrittenFile())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> file.readLongs("a.weight"));
            assertTrue(e.getMessage().contains("'a.weight'"), e.getMessage());
            assertTrue(e.getMessage().contains("BF16"), e.getMessage());
        }
    }

    @Test
    void readRejectsFloat8() throws IOException {
        String json = "{\"q\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}";
        Path path = SafetensorsBytes.write(dir.resolve("f8.safetensors"), json, bytes(0x38, 0x40));
        try (SafetensorsFile file = SafetensorsFile.open(path)) {
            assertEquals(SafetensorsDType.F8_E4M3, file.info("q").dtype());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> file.read("q"));
            assertTrue(e.getMessage().contains("F8_E4M3"), e.getMessage());
        }
    }

    @Test
    void unknownNameNamesFile() throws IOException {
        Path path = handWrittenFile();
        try (SafetensorsFile file = SafetensorsFile.open(path)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> file.read("nope"));
            assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
            assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
        }
    }

    @Test
    void readAfterCloseFails() throws IOException {
        SafetensorsFile file = SafetensorsFile.open(handWrittenFile());
        file.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> file.read("z.bias"));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void missingFileNamesPath() {
        Path missing = dir.resolve("absent.safetensors");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> SafetensorsFile.open(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void directoryIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafetensorsFile.open(dir));
        assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("directory"), e.getMessage());
    }
}
