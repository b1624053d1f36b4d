package io.github.safetyspaces.core.checkpoint;

/**
 * Converts IEEE 754 binary16 (half precision) to float32.
 *
 * <p>Java 20 added {@code Float.float16ToFloat}, but this project targets Java 17.
 */
public final class Float16 {

    private static final int EXPONENT_BIAS_HALF = 15;
    private static final int EXPONENT_BIAS_FLOAT = 127;
    private static final int MANTISSA_BITS_HALF = 10;
    private static final int MANTISSA_BITS_FLOAT = 23;
    private static final int IMPLICIT_BIT_HALF = 1 << MANTISSA_BITS_HALF;

    private Float16() {
    }

    /**
     * Widens binary16 bits to the float32 of equal value. Every binary16 value, subnormals
     * included, is exactly representable as a float32. Infinities stay infinite, and a NaN keeps
     * its sign and payload, shifted into the top of the float32 mantissa.
     *
     * @param bits binary16 bits: 1 sign, 5 exponent and 10 mantissa bits
     * @return the same value as a float
     */
    public static float toFloat(short bits) {
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> MANTISSA_BITS_HALF) & 0x1F;
        int mantissa = bits & 0x3FF;
        int shift = MANTISSA_BITS_FLOAT - MANTISSA_BITS_HALF;

        // Infinity or NaN: all exponent bits set in both formats.
        if (exponent == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F80_0000 | (mantissa << shift));
        }

        // Signed zero.
        if (exponent == 0 && mantissa == 0) {
            return Float.intBitsToFloat(sign);
        }

        // Subnormal half: value = mantissa * 2^-24. Shift the mantissa up until its leading one
        // reaches the implicit-bit position, lowering the exponent once per shift, so the value
        // becomes a normal float32.
        int unbiasedExponent = exponent - EXPONENT_BIAS_HALF;
        if (exponent == 0) {
            unbiasedExponent = 1 - EXPONENT_BIAS_HALF;
            while ((mantissa & IMPLICIT_BIT_HALF) == 0) {
                mantissa <<= 1;
                unbiasedExponent--;
            }
            mantissa &= IMPLICIT_BIT_HALF - 1;
        }

        int floatExponent = (unbiasedExponent + EXPONENT_BIAS_FLOAT) << MANTISSA_BITS_FLOAT;
        return Float.intBitsToFloat(sign | floatExponent | (mantissa << shift));
    }
}
