package dev.vireo.riscv.cpu.fpu;

/**
 * The two IEEE 754 binary interchange formats of the F and D extensions. Values are carried as
 * raw bit patterns in a {@code long} (a single occupies the low 32 bits, unboxed).
 */
public enum Format {
    SINGLE(24, -126, 127, 8),
    DOUBLE(53, -1022, 1023, 11);

    /** Significand bits including the hidden bit (p). */
    final int precision;
    /** Exponent of the smallest normal number (emin). */
    final int minExponent;
    final int bias;
    /** The all-ones biased exponent of infinities and NaNs. */
    final int maxBiasedExponent;
    final long signBit;
    final long infinityBits;
    /** The largest finite magnitude. */
    final long maxFiniteBits;
    final long canonicalNaN;

    Format(int precision, int minExponent, int bias, int exponentBits) {
        this.precision = precision;
        this.minExponent = minExponent;
        this.bias = bias;
        this.maxBiasedExponent = (1 << exponentBits) - 1;
        this.signBit = 1L << (precision - 1 + exponentBits);
        this.infinityBits = (long) maxBiasedExponent << (precision - 1);
        this.maxFiniteBits = infinityBits - 1;
        this.canonicalNaN = infinityBits | (1L << (precision - 2));
    }
}
