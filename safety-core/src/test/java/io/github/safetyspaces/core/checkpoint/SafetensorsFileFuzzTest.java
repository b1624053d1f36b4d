package io.github.safetyspaces.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.safetyspaces.core.fuzz.FuzzInputs;
import io.github.safetyspaces.core.fuzz.ReaderFuzzTest;
import java.nio.file.Path;

/**
 * Fuzzes {@link SafetensorsFile}: any file either opens, and then every tensor reads as its dtype
 * allows, or is rejected with {@link SafetensorsFormatException}. Any other exception, a hang or an
 * allocation that a header value alone sizes fails the test. Stored inputs:
 * {@code src/test/resources/io/github/safetyspaces/core/checkpoint/SafetensorsFileFuzzTestInputs/openAndRead}.
 */
class SafetensorsFileFuzzTest {

    @ReaderFuzzTest
    void openAndRead(byte[] bytes) {
        Path file = FuzzInputs.write("model.safetensors", bytes);
        SafetensorsFile opened;
        try {
            opened = SafetensorsFile.open(file);
        } catch (SafetensorsFormatException e) {
            return;
        }

        try (SafetensorsFile safetensors = opened) {
            long dataBytes = bytes.length - 8L - headerLength(bytes);
            for (String name : safetensors.names()) {
                TensorInfo info = safetensors.info(name);
                assertTrue(info.end() <= dataBytes, () -> info + " ends past the " + dataBytes + " data bytes");
                switch (info.dtype()) {
                    case F64, F32, F16, BF16 -> assertEquals(info.elementCount(),
                            safetensors.read(name).data().length, info::toString);
                    case I64, I32, I16, I8, U32, U16, U8, BOOL -> assertEquals(info.elementCount(),
                            safetensors.readLongs(name).length, info::toString);
                    default -> {
                        // U64 and the 8-bit floats have no Java conversion: both readers reject them.
                        assertThrows(IllegalArgumentException.class, () -> safetensors.read(name));
                        assertThrows(IllegalArgumentException.class, () -> safetensors.readLongs(name));
                    }
                }
            }
        }
    }

    private static long headerLength(byte[] bytes) {
        long length = 0;
        for (int i = 7; i >= 0; i--) {
            length = (length << 8) | (bytes[i] & 0xFF);
        }
        return length;
    }
}
