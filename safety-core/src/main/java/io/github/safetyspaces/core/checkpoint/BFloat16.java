package io.github.safetyspaces.core.checkpoint;

/**
 * Converts between float32 and bfloat16, the 16-bit format that keeps the sign, the 8 exponent bits
 * and the top 7 mantissa bits of a float32.
 *
 * <p>A bfloat16 value travels as the raw bits in a {@code short}, as it is stored in a safetensors
 * file.
 */
public final class BFloat16 {

    /** Quiet bit of a bfloat16 NaN: the top mantissa bit. */
    private static final int QUIET_NAN_BIT = 0x0040;

    private BFloat16() {
    }

    /**
     * Widens bfloat16 bits to the float32 of equal value. This is exact for every input, including
     * subnormals, infinities and NaN payloads.
     *
     * @param bits bfloat16 bits
     * @return the same value as a float
     */
    public static float toFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /**
     * Rounds a float32 to the nearest bfloat16, with ties to even as IEEE 754 does by default.
     *
     * <p>Values past the largest finite bfloat16 by at least half a unit in the last place round to
     * infinity, and subnormal inputs round like normal ones. A NaN stays a NaN with its sign and its
     * top payload bits, and is made quiet: dropping the low 16 bits alone could turn a NaN whose
     * payload sits only in those bits into infinity.
     *
     * @param value the float to convert
     * @return bfloat16 bits
     */
    public static short fromFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | QUIET_NAN_BIT);
        }

        // Adding 0x7FFF carries into bit 16 exactly when the dropped half is above one half ulp.
        // Adding the kept lowest bit as well turns an exact half into a carry only when that bit
        // is odd, which rounds ties to even. A carry out of the mantissa raises the exponent,
        // which is the correct result and yields infinity from the largest finite binade.
        int roundingBias = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }
}
