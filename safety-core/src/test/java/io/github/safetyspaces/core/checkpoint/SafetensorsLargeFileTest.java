package io.github.safetyspaces.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads a tensor placed past the 2 GiB mark of a sparse file, where int offsets would overflow. */
class SafetensorsLargeFileTest {

    private static final long TWO_GIB = 1L << 31;

    @TempDir
    Path dir;

    @Test
    void tensorPastTwoGibibytes() throws IOException {
        // head: 2 floats, filler: 2 GiB + 8 bytes of U8 zeros, tail: 3 floats after the filler.
        long fillerEnd = 8 + TWO_GIB + 8;
        long tailEnd = fillerEnd + 12;
        String json = "{"
                + "\"head\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"filler\":{\"dtype\":\"U8\",\"shape\":[" + (TWO_GIB + 8) + "],\"data_offsets\":[8," + fillerEnd + "]},"
                + "\"tail\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[" + fillerEnd + "," + tailEnd + "]}"
                + "}";
        Path path = dir.resolve("large.safetensors");
        // Write the header and the head tensor normally, then extend the file sparsely.
        SafetensorsBytes.write(path, json, SafetensorsBytes.f32(0.5f, -0.5f));
        long dataStart = Files.size(path) - 8;
        try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw")) {
            try {
                raf.setLength(dataStart + tailEnd);
            } catch (IOException e) {
                Assumptions.abort("The file system rejects a sparse file of " + (dataStart + tailEnd) + " bytes: " + e);
            }
            raf.seek(dataStart + fillerEnd);
            raf.write(SafetensorsBytes.f32(1.25f, -3f, 1e30f));
        }
        assertTrue(Files.size(path) > TWO_GIB + 8);

        try (SafetensorsFile file = SafetensorsFile.open(path)) {
            assertEquals(fillerEnd, file.info("tail").begin());
            assertArrayEquals(new float[] {0.5f, -0.5f}, file.read("head").data());
            assertArrayEquals(new float[] {1.25f, -3f, 1e30f}, file.read("tail").data());

            // The filler has more elements than a Java array can hold: rejected before allocating.
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> file.readLongs("filler"));
            assertTrue(e.getMessage().contains("'filler'"), e.getMessage());
            assertTrue(e.getMessage().contains("Java array"), e.getMessage());
        }
    }
}
