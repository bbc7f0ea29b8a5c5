package dev.vireo.riscv.cpu.fpu;

import static dev.vireo.riscv.cpu.fpu.Rounding.DZ;
import static dev.vireo.riscv.cpu.fpu.Rounding.NV;
import static dev.vireo.riscv.cpu.fpu.Rounding.NX;
import static dev.vireo.riscv.cpu.fpu.Rounding.RMM;
import static dev.vireo.riscv.cpu.fpu.Rounding.RNE;

import dev.vireo.riscv.cpu.FpuState;

/**
 * Double-precision add, multiply, divide, square root and fused multiply-add (RISC-V
 * unprivileged §12.4-12.6) in all rounding modes, with exact flags.
 *
 * <p>The common path lets the JVM compute the round-to-nearest-even result and recovers the
 * exact error with one extra operation (TwoSum for add, an FMA for the product error, the
 * division remainder and the square-root remainder, and the Boldo-Muller error of an FMA); the
 * error's sign gives NX and the direction for the other modes. Operands and results near the
 * subnormal range or the overflow threshold, where those error terms are not exact, go to
 * {@link ExactArithmetic}. The common path allocates nothing.
 */
public final class DoubleArithmetic {
    static final long CANONICAL_NAN = 0x7ff8000000000000L;
    private static final long QUIET_BIT = 1L << 51;
    /** Below this exponent the error terms of products and quotients may be inexact. */
    private static final int SAFE_MIN_EXPONENT = -960;

    private DoubleArithmetic() {}

    static boolean isNaN(long bits) {
        return (bits & 0x7fffffffffffffffL) > 0x7ff0000000000000L;
    }

    static boolean isSignaling(long bits) {
        return isNaN(bits) && (bits & QUIET_BIT) == 0;
    }

    private static long bits(double d) {
        return Double.doubleToRawLongBits(d);
    }

    /** A NaN result: canonical, NV if an operand was signaling or the operation invalid. */
    private static long nan(boolean invalid, FpuState fs) {
        if (invalid) {
            fs.fflags |= NV;
        }
        return CANONICAL_NAN;
    }

    private static boolean isNormalForErrorTerms(double r) {
        double magnitude = Math.abs(r);
        return magnitude < Double.MAX_VALUE && Math.getExponent(r) >= SAFE_MIN_EXPONENT;
    }

    private static long finish(double r, int errorSign, double errorHigh, double errorLow, int rm, FpuState fs) {
        if (errorSign == 0) {
            return bits(r);
        }
        fs.fflags |= NX;
        if (rm == RNE) {
            return bits(r);
        }
        boolean tie = rm == RMM && Rounding.isTie(r, errorHigh, errorLow);
        return bits(Rounding.step(r, errorSign, tie, rm));
    }

    public static long add(long a, long b, int rm, FpuState fs) {
        double x = Double.longBitsToDouble(a);
        double y = Double.longBitsToDouble(b);
        double r = x + y;
        if (r != r) {
            return nan(isSignaling(a) || isSignaling(b) || !(isNaN(a) || isNaN(b)), fs);
        }
        if (Math.abs(r) < Double.MAX_VALUE) {
            if (r == 0) {
                return bits(Rounding.zeroSum(x, y, rm)); // sums never underflow: exact
            }
            double bv = r - x;
            double error = (x - (r - bv)) + (y - bv);
            return finish(r, (int) Math.signum(error), error, 0, rm, fs);
        }
        if (Double.isInfinite(x) || Double.isInfinite(y)) {
            return bits(r);
        }
        return ExactArithmetic.add(a, b, rm, fs);
    }

    public static long mul(long a, long b, int rm, FpuState fs) {
        double x = Double.longBitsToDouble(a);
        double y = Double.longBitsToDouble(b);
        double r = x * y;
        if (r != r) {
            return nan(isSignaling(a) || isSignaling(b) || !(isNaN(a) || isNaN(b)), fs);
        }
        if (x == 0 || y == 0 || Double.isInfinite(x) || Double.isInfinite(y)) {
            return bits(r); // exact zero or infinity
        }
        if (isNormalForErrorTerms(r)) {
            double error = Math.fma(x, y, -r);
            return finish(r, (int) Math.signum(error), error, 0, rm, fs);
        }
        return ExactArithmetic.mul(a, b, rm, fs);
    }

    public static long div(long a, long b, int rm, FpuState fs) {
        double x = Double.longBitsToDouble(a);
        double y = Double.longBitsToDouble(b);
        double r = x / y;
        if (r != r) {
            return nan(isSignaling(a) || isSignaling(b) || !(isNaN(a) || isNaN(b)), fs);
        }
        if (y == 0) {
            if (x != 0 && !Double.isInfinite(x)) {
                fs.fflags |= DZ;
            }
            return bits(r);
        }
        if (x == 0 || Double.isInfinite(x) || Double.isInfinite(y)) {
            return bits(r);
        }
        if (isNormalForErrorTerms(r) && Math.abs(r) > Double.MIN_NORMAL
                && Math.getExponent(x) >= SAFE_MIN_EXPONENT && Math.getExponent(y) >= Double.MIN_EXPONENT) {
            // Quotients are never exactly half way between two doubles: no ties.
            double remainder = Math.fma(-r, y, x);
            int errorSign = (int) (Math.signum(remainder) * Math.signum(y));
            return finish(r, errorSign, 0, 0, rm, fs);
        }
        return ExactArithmetic.div(a, b, rm, fs);
    }

    public static long sqrt(long a, int rm, FpuState fs) {
        double x = Double.longBitsToDouble(a);
        if (x != x) {
            return nan(isSignaling(a), fs);
        }
        if (x == 0 || x == Double.POSITIVE_INFINITY) {
            return a;
        }
        if (x < 0) {
            return nan(true, fs);
        }
        if (Math.getExponent(x) >= SAFE_MIN_EXPONENT) {
            double r = Math.sqrt(x);
            double remainder = Math.fma(-r, r, x); // square roots are never ties either
            return finish(r, (int) Math.signum(remainder), 0, 0, rm, fs);
        }
        return ExactArithmetic.sqrt(a, rm, fs);
    }

    /** a·b + c with a single rounding; the FMSUB/FNM* variants negate a and/or c first. */
    public static long fma(long a, long b, long c, int rm, FpuState fs) {
        double x = Double.longBitsToDouble(a);
        double y = Double.longBitsToDouble(b);
        double z = Double.longBitsToDouble(c);
        boolean zeroTimesInfinity = (x == 0 && Double.isInfinite(y)) || (y == 0 && Double.isInfinite(x));
        if (isNaN(a) || isNaN(b) || isNaN(c) || zeroTimesInfinity) {
            return nan(isSignaling(a) || isSignaling(b) || isSignaling(c) || zeroTimesInfinity, fs);
        }
        if (Double.isInfinite(x) || Double.isInfinite(y) || Double.isInfinite(z)) {
            double r = Math.fma(x, y, z); // exact infinity, or ∞ − ∞
            return r != r ? nan(true, fs) : bits(r);
        }
        if (x == 0 || y == 0) {
            double product = x * y; // a signed zero
            return bits(z == 0 ? Rounding.zeroSum(product, z, rm) : z);
        }
        double r = Math.fma(x, y, z);
        int productExponent = Math.getExponent(x) + Math.getExponent(y);
        if (r != 0 && isNormalForErrorTerms(r)
                && productExponent >= -900 && productExponent <= 1000
                && Math.getExponent(x) >= Double.MIN_EXPONENT && Math.getExponent(y) >= Double.MIN_EXPONENT
                && (z == 0 || Math.getExponent(z) >= -900)) {
            // Boldo & Muller, "Exact and approximated error of the FMA" (IEEE TC 2011): the
            // exact a·b + c equals r + errorHigh + errorLow.
            double u1 = x * y;
            double u2 = Math.fma(x, y, -u1);
            double alpha1 = z + u2;
            double t = alpha1 - z;
            double alpha2 = (z - (alpha1 - t)) + (u2 - t);
            double beta1 = u1 + alpha1;
            t = beta1 - u1;
            double beta2 = (u1 - (beta1 - t)) + (alpha1 - t);
            double gamma = (beta1 - r) + beta2;
            double errorHigh = gamma + alpha2;
            t = errorHigh - gamma;
            double errorLow = (gamma - (errorHigh - t)) + (alpha2 - t);
            return finish(r, (int) Math.signum(errorHigh), errorHigh, errorLow, rm, fs);
        }
        return ExactArithmetic.fma(a, b, c, rm, fs);
    }
}
