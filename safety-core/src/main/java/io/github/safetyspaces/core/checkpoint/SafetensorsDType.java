package io.github.safetyspaces.core.checkpoint;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Element types of the safetensors format, named as they appear in a header's {@code dtype} field.
 *
 * <p>The sub-byte types of newer safetensors versions ({@code F4}, {@code F6_E2M3}, {@code F6_E3M2})
 * and {@code F8_E8M0} are not listed, so a header that uses them is rejected as having an unknown
 * dtype.
 */
public enum SafetensorsDType {
    /** IEEE 754 binary64. */
    F64(8),
    /** IEEE 754 binary32. */
    F32(4),
    /** IEEE 754 binary16: 1 sign, 5 exponent and 10 mantissa bits. */
    F16(2),
    /** bfloat16: the upper 16 bits of a binary32 (1 sign, 8 exponent and 7 mantissa bits). */
    BF16(2),
    /** Signed 64-bit integer. */
    I64(8),
    /** Signed 32-bit integer. */
    I32(4),
    /** Signed 16-bit integer. */
    I16(2),
    /** Signed 8-bit integer. */
    I8(1),
    /** Unsigned 64-bit integer. */
    U64(8),
    /** Unsigned 32-bit integer. */
    U32(4),
    /** Unsigned 16-bit integer. */
    U16(2),
    /** Unsigned 8-bit integer. */
    U8(1),
    /** Boolean stored as one byte, 0 or 1. */
    BOOL(1),
    /** 8-bit float with 4 exponent and 3 mantissa bits. */
    F8_E4M3(1),
    /** 8-bit float with 5 exponent and 2 mantissa bits. */
    F8_E5M2(1);

    private final int byteSize;

    SafetensorsDType(int byteSize) {
        this.byteSize = byteSize;
    }

    /**
     * Returns the number of bytes one element takes.
     *
     * @return 1, 2, 4 or 8
     */
    public int byteSize() {
        return byteSize;
    }

    /**
     * Looks up a dtype by its exact header name, such as {@code "BF16"}.
     *
     * @param name the header's {@code dtype} string; case matters, as in the format
     * @return the dtype, or empty when the name is unknown
     */
    public static Optional<SafetensorsDType> fromName(String name) {
        for (SafetensorsDType dtype : values()) {
            if (dtype.name().equals(name)) {
                return Optional.of(dtype);
            }
        }
        return Optional.empty();
    }

    /**
     * Returns the accepted names, for error messages.
     *
     * @return the names separated by commas
     */
    static String knownNames() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
