package io.github.safetyspaces.core.llama2c;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class Llama2cHeaderTest {

    @Test
    void parseReadsLittleEndianFields() {
        ByteBuffer bytes = littleEndianInts(64, 172, 5, 8, 4, 512, 512);

        Llama2cHeader header = Llama2cHeader.parse(bytes);

        assertEquals(new Llama2cHeader(64, 172, 5, 8, 4, 512, true, 512), header);
        assertEquals(Llama2cHeader.BYTES, bytes.position());
        assertEquals(8, header.headSize());
        assertEquals(32, header.kvDim());
    }

    @Test
    void negativeVocabMeansSeparateClassifier() {
        Llama2cHeader header = Llama2cHeader.parse(littleEndianInts(64, 172, 5, 8, 4, -512, 512));

        assertEquals(512, header.vocabSize());
        assertFalse(header.sharedClassifier());
    }

    /** The size once wrapped past 2^63, so a corrupt header could match a small file and size the arrays. */
    @Test
    void sizePastTheLongRangeIsRejected() {
        Llama2cHeader header = new Llama2cHeader(1 << 30, Integer.MAX_VALUE, Integer.MAX_VALUE, 1 << 29, 1, 1, true, 1);

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, header::fileSize);

        assertTrue(error.getMessage().contains("2^63"), error.getMessage());
        assertTrue(error.getMessage().contains("dim=1073741824"), error.getMessage());
    }

    @Test
    void parseIgnoresBufferByteOrder() {
        ByteBuffer bytes = littleEndianInts(16, 40, 2, 4, 2, 10, 8);
        bytes.order(ByteOrder.BIG_ENDIAN);

        assertEquals(16, Llama2cHeader.parse(bytes).dim());
    }

    @Test
    void writeToProducesParsedBytes() {
        Llama2cHeader header = new Llama2cHeader(16, 40, 2, 4, 2, 10, false, 8);
        ByteBuffer written = ByteBuffer.allocate(Llama2cHeader.BYTES);

        header.writeTo(written);

        assertEquals(Llama2cHeader.BYTES, written.position());
        assertArrayEquals(littleEndianInts(16, 40, 2, 4, 2, -10, 8).array(), written.array());
    }

    @Test
    void fileSizeCountsEveryTensor() {
        // dim 16, hidden 40, 2 layers, 4 heads (size 4), 2 kv heads (kv dim 8), vocab 10, seq 8.
        long perLayer = 16 + 16 * 16 + 2 * 8 * 16 + 16 * 16 + 16 + 3 * 40 * 16;
        long shared = 10 * 16 + 2 * perLayer + 16 + 2 * 8 * 2;
        Llama2cHeader sharedHeader = new Llama2cHeader(16, 40, 2, 4, 2, 10, true, 8);
        Llama2cHeader separateHeader = new Llama2cHeader(16, 40, 2, 4, 2, 10, false, 8);

        assertEquals(shared, sharedHeader.floatCount());
        assertEquals(28 + 4 * shared, sharedHeader.fileSize());
        assertEquals(shared + 10 * 16, separateHeader.floatCount());
    }

    @Test
    void nonPositiveFieldIsRejected() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new Llama2cHeader(64, 0, 5, 8, 4, 512, true, 512));

        assertTrue(error.getMessage().contains("hidden_dim is 0"), error.getMessage());
    }

    @Test
    void dimNotDivisibleByHeadsIsRejected() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new Llama2cHeader(60, 172, 5, 8, 4, 512, true, 512));

        assertTrue(error.getMessage().contains("dim 60"), error.getMessage());
    }

    @Test
    void headsNotDivisibleByKvHeadsIsRejected() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new Llama2cHeader(64, 172, 5, 8, 3, 512, true, 512));

        assertTrue(error.getMessage().contains("n_kv_heads 3"), error.getMessage());
    }

    @Test
    void oddHeadSizeIsRejected() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new Llama2cHeader(24, 172, 5, 8, 4, 512, true, 512));

        assertTrue(error.getMessage().contains("Head size 3"), error.getMessage());
    }

    @Test
    void shortBufferIsRejected() {
        ByteBuffer bytes = ByteBuffer.allocate(Llama2cHeader.BYTES - 1);

        assertThrows(IllegalArgumentException.class, () -> Llama2cHeader.parse(bytes));
    }

    private static ByteBuffer littleEndianInts(int... values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int value : values) {
            buffer.putInt(value);
        }
        return buffer.flip();
    }
}
