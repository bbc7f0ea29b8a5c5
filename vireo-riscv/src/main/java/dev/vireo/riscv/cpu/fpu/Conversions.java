package dev.vireo.riscv.cpu.fpu;

import static dev.vireo.riscv.cpu.fpu.Rounding.NV;
import static dev.vireo.riscv.cpu.fpu.Rounding.NX;

import dev.vireo.riscv.cpu.FpuState;

/**
 * FCVT between the floating-point formats and the integer types W, WU, L, LU (RISC-V
 * unprivileged §11.7 and §12.5, table 11.4 for the saturating results of invalid conversions).
 * 32-bit integer results are sign-extended to 64 bits, as RV64 requires even for WU.
 */
public final class Conversions {
    /** The integer kinds, numbered as the rs2 field of FCVT encodes them. */
    public static final int W = 0, WU = 1, L = 2, LU = 3;

    private static final double TWO_31 = 0x1p31, TWO_32 = 0x1p32, TWO_63 = 0x1p63, TWO_64 = 0x1p64;

    private Conversions() {}

    /**
     * Converts v (the exact value of the source operand; {@code nan} if it is a NaN) to integer
     * {@code kind}, rounding with {@code rm}.
     */
    public static long toInteger(double v, boolean nan, int kind, int rm, FpuState fs) {
        if (nan) {
            fs.fflags |= NV;
            return maximum(kind);
        }
        double r = roundToIntegral(v, rm);
        boolean inRange = switch (kind) {
            case W -> r >= -TWO_31 && r <= TWO_31 - 1;
            case WU -> r > -1 && r <= TWO_32 - 1; // -0.0 is in range
            case L -> r >= -TWO_63 && r < TWO_63;
            default -> r > -1 && r < TWO_64;
        };
        if (!inRange) {
            fs.fflags |= NV;
            return v < 0 ? minimum(kind) : maximum(kind);
        }
        if (r != v) {
            fs.fflags |= NX;
        }
        return switch (kind) {
            case W -> (int) r;
            case WU -> (int) (long) r;
            case L -> (long) r;
            default -> r >= TWO_63 ? (long) (r - TWO_63) ^ Long.MIN_VALUE : (long) r;
        };
    }

    private static long maximum(int kind) {
        return switch (kind) {
            case W -> Integer.MAX_VALUE;
            case L -> Long.MAX_VALUE;
            default -> -1L; // 2^32 - 1 sign-extended, or 2^64 - 1
        };
    }

    private static long minimum(int kind) {
        return switch (kind) {
            case W -> Integer.MIN_VALUE;
            case L -> Long.MIN_VALUE;
            default -> 0;
        };
    }

    /** Rounds v to an integral double in mode rm (doubles of magnitude ≥ 2^52 are integral). */
    static double roundToIntegral(double v, int rm) {
        return switch (rm) {
            case Rounding.RTZ -> v < 0 ? Math.ceil(v) : Math.floor(v);
            case Rounding.RDN -> Math.floor(v);
            case Rounding.RUP -> Math.ceil(v);
            case Rounding.RMM -> {
                double truncated = v < 0 ? Math.ceil(v) : Math.floor(v);
                yield Math.abs(v - truncated) == 0.5 ? truncated + Math.signum(v) : Math.rint(v);
            }
            default -> Math.rint(v);
        };
    }

    /**
     * Converts integer register value {@code value} of integer {@code kind} to {@code format}.
     * Returns raw (unboxed) bits.
     */
    public static long fromInteger(long value, int kind, Format format, int rm, FpuState fs) {
        long magnitude;
        boolean negative;
        switch (kind) {
            case W -> {
                negative = (int) value < 0;
                magnitude = Math.abs((long) (int) value);
            }
            case WU -> {
                negative = false;
                magnitude = value & 0xffffffffL;
            }
            case L -> {
                negative = value < 0;
                magnitude = negative ? -value : value; // Long.MIN_VALUE reads as unsigned 2^63
            }
            default -> {
                negative = false;
                magnitude = value;
            }
        }
        if (magnitude == 0) {
            return 0;
        }
        return Rounding.pack(negative, magnitude, 0, false, format, rm, fs);
    }

    /** FCVT.S.D: returns unboxed single bits. */
    public static int doubleToSingle(long a, int rm, FpuState fs) {
        if (DoubleArithmetic.isNaN(a)) {
            if (DoubleArithmetic.isSignaling(a)) {
                fs.fflags |= NV;
            }
            return SingleArithmetic.CANONICAL_NAN;
        }
        double v = Double.longBitsToDouble(a);
        if (v == 0 || Double.isInfinite(v)) {
            return Float.floatToRawIntBits((float) v);
        }
        return Rounding.toSingle(v, rm, fs);
    }

    /** FCVT.D.S: exact. */
    public static long singleToDouble(int a, FpuState fs) {
        if (SingleArithmetic.isNaN(a)) {
            if (SingleArithmetic.isSignaling(a)) {
                fs.fflags |= NV;
            }
            return DoubleArithmetic.CANONICAL_NAN;
        }
        return Double.doubleToRawLongBits(Float.intBitsToFloat(a));
    }
}
