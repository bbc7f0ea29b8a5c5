package dev.vireo.riscv.cpu.fpu;

import static dev.vireo.riscv.cpu.fpu.Rounding.DZ;
import static dev.vireo.riscv.cpu.fpu.Rounding.NV;

import dev.vireo.riscv.cpu.FpuState;

/**
 * Single-precision add, multiply, divide, square root and fused multiply-add (RISC-V
 * unprivileged §11.6) in all rounding modes, with exact flags.
 *
 * <p>Every operation is carried out in double precision, where it is either exact (products,
 * a·b + c's product) or made exact-enough by round-to-odd from an exact error term; the double
 * is then rounded once to single by {@link Rounding#toSingle}. Round-to-odd to 53 bits followed
 * by rounding to 24 bits equals a single rounding of the exact value. Doubles never underflow
 * or overflow for single operands, so this path has no slow case and allocates nothing.
 * Operands and results are unboxed 32-bit patterns.
 */
public final class SingleArithmetic {
    static final int CANONICAL_NAN = 0x7fc00000;
    private static final int QUIET_BIT = 1 << 22;

    private SingleArithmetic() {}

    static boolean isNaN(int bits) {
        return (bits & 0x7fffffff) > 0x7f800000;
    }

    static boolean isSignaling(int bits) {
        return isNaN(bits) && (bits & QUIET_BIT) == 0;
    }

    private static int nan(boolean invalid, FpuState fs) {
        if (invalid) {
            fs.fflags |= NV;
        }
        return CANONICAL_NAN;
    }

    private static double value(int bits) {
        return Float.intBitsToFloat(bits);
    }

    /** Rounds the non-zero finite round-to-odd double v to single; infinities pass through. */
    private static int round(double v, int rm, FpuState fs) {
        if (Double.isInfinite(v)) {
            return Float.floatToRawIntBits((float) v);
        }
        return Rounding.toSingle(v, rm, fs);
    }

    public static int add(int a, int b, int rm, FpuState fs) {
        double x = value(a);
        double y = value(b);
        double s = x + y;
        if (s != s) {
            return nan(isSignaling(a) || isSignaling(b) || !(isNaN(a) || isNaN(b)), fs);
        }
        if (s == 0) {
            return Float.floatToRawIntBits((float) Rounding.zeroSum(x, y, rm));
        }
        if (Double.isInfinite(s)) {
            return Float.floatToRawIntBits((float) s); // an infinite operand: exact
        }
        double bv = s - x;
        double error = (x - (s - bv)) + (y - bv);
        return round(Rounding.roundToOdd(s, error), rm, fs);
    }

    public static int mul(int a, int b, int rm, FpuState fs) {
        double x = value(a);
        double y = value(b);
        double p = x * y; // exact: 24 + 24 bits
        if (p != p) {
            return nan(isSignaling(a) || isSignaling(b) || !(isNaN(a) || isNaN(b)), fs);
        }
        if (p == 0) {
            return Float.floatToRawIntBits((float) p);
        }
        return round(p, rm, fs);
    }

    public static int div(int a, int b, int rm, FpuState fs) {
        double x = value(a);
        double y = value(b);
        double q = x / y;
        if (q != q) {
            return nan(isSignaling(a) || isSignaling(b) || !(isNaN(a) || isNaN(b)), fs);
        }
        if (y == 0 && x != 0 && !Double.isInfinite(x)) {
            fs.fflags |= DZ;
        }
        if (q == 0 || Double.isInfinite(q)) {
            return Float.floatToRawIntBits((float) q);
        }
        double remainder = Math.fma(-q, y, x); // exact at these magnitudes
        return round(Rounding.roundToOdd(q, Math.signum(remainder) * Math.signum(y)), rm, fs);
    }

    public static int sqrt(int a, int rm, FpuState fs) {
        double x = value(a);
        if (x != x) {
            return nan(isSignaling(a), fs);
        }
        if (x == 0 || x == Double.POSITIVE_INFINITY) {
            return a;
        }
        if (x < 0) {
            return nan(true, fs);
        }
        double s = Math.sqrt(x);
        double remainder = Math.fma(-s, s, x);
        return round(Rounding.roundToOdd(s, remainder), rm, fs);
    }

    /** a·b + c with a single rounding; the FMSUB/FNM* variants negate a and/or c first. */
    public static int fma(int a, int b, int c, int rm, FpuState fs) {
        double x = value(a);
        double y = value(b);
        double z = value(c);
        boolean zeroTimesInfinity = (x == 0 && Double.isInfinite(y)) || (y == 0 && Double.isInfinite(x));
        if (isNaN(a) || isNaN(b) || isNaN(c) || zeroTimesInfinity) {
            return nan(isSignaling(a) || isSignaling(b) || isSignaling(c) || zeroTimesInfinity, fs);
        }
        double p = x * y; // exact
        double s = p + z;
        if (s != s) {
            return nan(true, fs); // ∞ − ∞
        }
        if (s == 0) {
            return Float.floatToRawIntBits((float) Rounding.zeroSum(p, z, rm));
        }
        if (Double.isInfinite(s)) {
            return Float.floatToRawIntBits((float) s);
        }
        double bv = s - p;
        double error = (p - (s - bv)) + (z - bv);
        return round(Rounding.roundToOdd(s, error), rm, fs);
    }
}
