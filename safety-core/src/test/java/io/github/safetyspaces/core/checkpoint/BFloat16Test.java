package io.github.safetyspaces.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BFloat16Test {

    @Test
    void toFloatKnownPatterns() {
        assertEquals(1.0f, BFloat16.toFloat((short) 0x3F80));
        assertEquals(-2.0f, BFloat16.toFloat((short) 0xC000));
        assertEquals(3.140625f, BFloat16.toFloat((short) 0x4049));
        assertEquals(3.3895313892515355e38f, BFloat16.toFloat((short) 0x7F7F));
        assertEquals(Float.POSITIVE_INFINITY, BFloat16.toFloat((short) 0x7F80));
        assertEquals(Float.NEGATIVE_INFINITY, BFloat16.toFloat((short) 0xFF80));
        // Smallest subnormal: 2^-133.
        assertEquals((float) Math.pow(2, -133), BFloat16.toFloat((short) 0x0001));
        assertTrue(Float.isNaN(BFloat16.toFloat((short) 0x7FC0)));
    }

    @Test
    void fromFloatHandPickedTies() {
        // 1 + 2^-8 lies halfway between 1.0 (0x3F80, even) and 1.0078125 (0x3F81, odd).
        assertEquals((short) 0x3F80, BFloat16.fromFloat(1.00390625f));
        // 1 + 3 * 2^-8 lies halfway between 0x3F81 (odd) and 0x3F82 (even).
        assertEquals((short) 0x3F82, BFloat16.fromFloat(1.01171875f));
        // Just above a tie rounds up.
        assertEquals((short) 0x3F81, BFloat16.fromFloat(Math.nextUp(1.00390625f)));
        // Float.MAX_VALUE is past the largest bfloat16 plus half an ulp, so it overflows.
        assertEquals((short) 0x7F80, BFloat16.fromFloat(Float.MAX_VALUE));
        assertEquals((short) 0xFF80, BFloat16.fromFloat(-Float.MAX_VALUE));
    }

    @Test
    void representableValuesRoundTripExactly() {
        for (int pattern = 0; pattern < 0x1_0000; pattern++) {
            float value = BFloat16.toFloat((short) pattern);
            if (Float.isNaN(value)) {
                continue;
            }
            assertEquals((short) pattern, BFloat16.fromFloat(value), "pattern 0x" + Integer.toHexString(pattern));
        }

        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            float value = Float.intBitsToFloat(random.nextInt() & 0xFFFF_0000);
            if (Float.isNaN(value)) {
                continue;
            }
            short bits = BFloat16.fromFloat(value);
            assertEquals(Float.floatToRawIntBits(value), Float.floatToRawIntBits(BFloat16.toFloat(bits)));
        }
    }

    @Test
    void nanStaysQuietNan() {
        int[] nanBits = {0x7FC0_0000, 0xFFC0_0000, 0x7F80_0001, 0xFF80_0001, 0x7FA0_0000, 0x7FFF_FFFF};
        for (int bits : nanBits) {
            short result = BFloat16.fromFloat(Float.intBitsToFloat(bits));
            assertTrue(Float.isNaN(BFloat16.toFloat(result)), "NaN 0x" + Integer.toHexString(bits));
            assertEquals(bits >>> 31, (result >> 15) & 1, "sign of NaN 0x" + Integer.toHexString(bits));
            assertEquals(0x0040, result & 0x0040, "quiet bit of NaN 0x" + Integer.toHexString(bits));
        }
    }

    /** Checks round to nearest, ties to even, against exact decimal distances to both neighbours. */
    @Test
    void roundingMatchesExactReference() {
        List<Integer> inputs = new ArrayList<>();
        int[] special = {
            0x0000_0000, 0x8000_0000, // signed zeros
            0x0000_0001, 0x0000_8000, 0x0001_8000, 0x0000_7FFF, 0x0000_8001, 0x007F_FFFF, // subnormals
            0x0080_0000, 0x0080_8000, 0x0081_8000, // smallest normals and ties there
            0x3F80_8000, 0x3F81_8000, 0x3F80_7FFF, 0x3F80_8001, 0xBF80_8000, 0xBF81_8000, // ties near 1
            0x7F7F_0000, 0x7F7F_7FFF, 0x7F7F_8000, 0x7F7F_8001, 0x7F7F_FFFF, // near the overflow threshold
            0x7F7E_8000, 0xFF7F_8000, 0xFF7F_7FFF,
            0x7F80_0000, 0xFF80_0000, // infinities
        };
        for (int bits : special) {
            inputs.add(bits);
        }
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 300_000; i++) {
            inputs.add(random.nextInt());
            // Exact ties: the dropped half is exactly 0x8000.
            inputs.add((random.nextInt() & 0xFFFF_0000) | 0x8000);
        }

        for (int bits : inputs) {
            float value = Float.intBitsToFloat(bits);
            if (Float.isNaN(value)) {
                continue;
            }
            short expected = referenceRound(value);
            assertEquals(expected, BFloat16.fromFloat(value), "float bits 0x" + Integer.toHexString(bits));
        }
    }

    /**
     * Rounds by comparing exact distances to the two bfloat16 values that bracket the input. The
     * one past the largest finite bfloat16 is taken as 2^128, as IEEE 754 rounding does for
     * overflow.
     */
    private static short referenceRound(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isInfinite(value)) {
            return (short) (bits >>> 16);
        }
        int lower = bits >>> 16;
        int upper = lower + 1;
        BigDecimal exact = new BigDecimal((double) value);
        BigDecimal lowerValue = new BigDecimal((double) BFloat16.toFloat((short) lower));
        BigDecimal upperValue = upperValue(upper);

        int comparison = exact.subtract(lowerValue).abs().compareTo(exact.subtract(upperValue).abs());
        if (comparison < 0) {
            return (short) lower;
        }
        if (comparison > 0) {
            return (short) upper;
        }
        return (short) ((lower & 1) == 0 ? lower : upper);
    }

    private static BigDecimal upperValue(int upper) {
        if ((upper & 0x7FFF) == 0x7F80) {
            BigDecimal overflow = new BigDecimal(2).pow(128);
            return (upper & 0x8000) != 0 ? overflow.negate() : overflow;
        }
        return new BigDecimal((double) BFloat16.toFloat((short) upper));
    }
}
