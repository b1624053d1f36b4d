package io.github.safetyspaces.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Float16Test {

    @Test
    void knownBitPatterns() {
        assertEquals(1.0f, Float16.toFloat((short) 0x3C00));
        assertEquals(-1.0f, Float16.toFloat((short) 0xBC00));
        assertEquals(-2.0f, Float16.toFloat((short) 0xC000));
        assertEquals(0.5f, Float16.toFloat((short) 0x3800));
        assertEquals(65504.0f, Float16.toFloat((short) 0x7BFF));
        assertEquals(0.99951171875f, Float16.toFloat((short) 0x3BFF));
        assertEquals(0.333251953125f, Float16.toFloat((short) 0x3555));
        // Smallest normal 2^-14, smallest subnormal 2^-24 and largest subnormal 1023 * 2^-24.
        assertEquals(6.103515625e-5f, Float16.toFloat((short) 0x0400));
        assertEquals(5.9604644775390625e-8f, Float16.toFloat((short) 0x0001));
        assertEquals(6.097555160522461e-5f, Float16.toFloat((short) 0x03FF));
        assertEquals(-5.9604644775390625e-8f, Float16.toFloat((short) 0x8001));
        assertEquals(Float.POSITIVE_INFINITY, Float16.toFloat((short) 0x7C00));
        assertEquals(Float.NEGATIVE_INFINITY, Float16.toFloat((short) 0xFC00));
    }

    @Test
    void signedZerosKeepSign() {
        assertEquals(0, Float.floatToRawIntBits(Float16.toFloat((short) 0x0000)));
        assertEquals(0x8000_0000, Float.floatToRawIntBits(Float16.toFloat((short) 0x8000)));
    }

    @Test
    void nanKeepsSignAndPayload() {
        float quiet = Float16.toFloat((short) 0x7E00);
        assertTrue(Float.isNaN(quiet));
        float signaling = Float16.toFloat((short) 0x7C01);
        assertTrue(Float.isNaN(signaling), "0x7C01 has a nonzero mantissa, so it is NaN, not infinity");
        float negative = Float16.toFloat((short) 0xFE00);
        assertTrue(Float.isNaN(negative));
        assertEquals(0x8000_0000, Float.floatToRawIntBits(negative) & 0x8000_0000);
    }

    /** Compares every binary16 pattern with the textbook formula evaluated in double precision. */
    @Test
    void allPatternsMatchFormula() {
        for (int pattern = 0; pattern < 0x1_0000; pattern++) {
            int sign = pattern >> 15;
            int exponent = (pattern >> 10) & 0x1F;
            int mantissa = pattern & 0x3FF;
            float actual = Float16.toFloat((short) pattern);

            if (exponent == 31 && mantissa != 0) {
                assertTrue(Float.isNaN(actual), "pattern " + Integer.toHexString(pattern));
                int floatBits = Float.floatToRawIntBits(actual);
                assertEquals(mantissa, (floatBits >>> 13) & 0x3FF, "NaN payload of " + Integer.toHexString(pattern));
                assertEquals(sign, floatBits >>> 31, "NaN sign of " + Integer.toHexString(pattern));
                continue;
            }

            double magnitude;
            if (exponent == 31) {
                magnitude = Double.POSITIVE_INFINITY;
            } else if (exponent == 0) {
                magnitude = mantissa / 1024.0 * Math.pow(2, -14);
            } else {
                magnitude = (1 + mantissa / 1024.0) * Math.pow(2, exponent - 15);
            }
            double expected = sign == 1 ? -magnitude : magnitude;
            // Every binary16 value is exact in float, so the double-to-float cast does not round.
            assertEquals(Float.floatToRawIntBits((float) expected), Float.floatToRawIntBits(actual),
                    "pattern 0x" + Integer.toHexString(pattern) + " expected " + expected + " got " + actual);
        }
    }
}
