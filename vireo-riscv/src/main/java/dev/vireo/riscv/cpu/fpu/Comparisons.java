package dev.vireo.riscv.cpu.fpu;

import static dev.vireo.riscv.cpu.fpu.Rounding.NV;

import dev.vireo.riscv.cpu.FpuState;

/**
 * The non-arithmetic operations that look at values: FMIN/FMAX (IEEE 754-2019 minimumNumber
 * and maximumNumber, RISC-V unprivileged §11.6), FEQ/FLT/FLE (§11.8) and FCLASS (§11.9), for
 * both formats. Single operands are unboxed 32-bit patterns widened to double, which preserves
 * order, signs and NaN-ness; signaling-ness is decided by the caller-supplied flag.
 */
public final class Comparisons {
    /** FCLASS result bits. */
    public static final int NEGATIVE_INFINITY = 1, NEGATIVE_NORMAL = 1 << 1, NEGATIVE_SUBNORMAL = 1 << 2,
            NEGATIVE_ZERO = 1 << 3, POSITIVE_ZERO = 1 << 4, POSITIVE_SUBNORMAL = 1 << 5, POSITIVE_NORMAL = 1 << 6,
            POSITIVE_INFINITY = 1 << 7, SIGNALING_NAN = 1 << 8, QUIET_NAN = 1 << 9;

    private Comparisons() {}

    public static long minMaxDouble(long a, long b, boolean max, FpuState fs) {
        if (DoubleArithmetic.isSignaling(a) || DoubleArithmetic.isSignaling(b)) {
            fs.fflags |= NV;
        }
        boolean aNaN = DoubleArithmetic.isNaN(a);
        boolean bNaN = DoubleArithmetic.isNaN(b);
        if (aNaN || bNaN) {
            return aNaN && bNaN ? DoubleArithmetic.CANONICAL_NAN : aNaN ? b : a;
        }
        return pick(a, b, Double.longBitsToDouble(a), Double.longBitsToDouble(b), max);
    }

    public static int minMaxSingle(int a, int b, boolean max, FpuState fs) {
        if (SingleArithmetic.isSignaling(a) || SingleArithmetic.isSignaling(b)) {
            fs.fflags |= NV;
        }
        boolean aNaN = SingleArithmetic.isNaN(a);
        boolean bNaN = SingleArithmetic.isNaN(b);
        if (aNaN || bNaN) {
            return aNaN && bNaN ? SingleArithmetic.CANONICAL_NAN : aNaN ? b : a;
        }
        return (int) pick(a, b, Float.intBitsToFloat(a), Float.intBitsToFloat(b), max);
    }

    /** Min or max of two non-NaN values, with −0 ordered below +0. */
    private static long pick(long a, long b, double x, double y, boolean max) {
        if (x == y) {
            boolean aNegative = a < 0; // both are zeros of possibly different signs, or equal
            return aNegative == max ? b : a;
        }
        return (x < y) != max ? a : b;
    }

    /**
     * FEQ (quiet: NV only for a signaling NaN), FLT and FLE (signaling: NV for any NaN).
     * {@code rm} is the instruction's funct3: 2 FEQ, 1 FLT, 0 FLE.
     */
    public static long compare(double x, double y, boolean anyNaN, boolean anySignaling, int rm, FpuState fs) {
        if (anySignaling || (anyNaN && rm != 2)) {
            fs.fflags |= NV;
        }
        boolean result = switch (rm) {
            case 2 -> x == y;
            case 1 -> x < y;
            default -> x <= y;
        };
        return result ? 1 : 0;
    }

    public static long classifyDouble(long a) {
        return classify(a < 0, (int) (a >>> 52) & 0x7ff, a & 0xfffffffffffffL, 0x7ff, 1L << 51);
    }

    public static long classifySingle(int a) {
        return classify(a < 0, (a >>> 23) & 0xff, a & 0x7fffff, 0xff, 1L << 22);
    }

    private static long classify(boolean negative, int biased, long fraction, int maxBiased, long quietBit) {
        if (biased == maxBiased) {
            if (fraction == 0) {
                return negative ? NEGATIVE_INFINITY : POSITIVE_INFINITY;
            }
            return (fraction & quietBit) != 0 ? QUIET_NAN : SIGNALING_NAN;
        }
        if (biased == 0) {
            if (fraction == 0) {
                return negative ? NEGATIVE_ZERO : POSITIVE_ZERO;
            }
            return negative ? NEGATIVE_SUBNORMAL : POSITIVE_SUBNORMAL;
        }
        return negative ? NEGATIVE_NORMAL : POSITIVE_NORMAL;
    }
}
