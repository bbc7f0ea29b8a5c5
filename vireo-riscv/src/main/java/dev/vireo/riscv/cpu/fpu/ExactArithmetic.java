package dev.vireo.riscv.cpu.fpu;

import dev.vireo.riscv.cpu.FpuState;
import java.math.BigInteger;

/**
 * The slow path of {@link DoubleArithmetic}: exact integer arithmetic on the operands'
 * significands, then one rounding by {@link Rounding#packBig}. Used only near the subnormal
 * range and the overflow threshold. Operands are finite and the special cases (zeros where the
 * result is exact, infinities, NaNs) have been dealt with by the caller.
 */
final class ExactArithmetic {
    private ExactArithmetic() {}

    /** The significand of a finite double, hidden bit included. */
    static long significand(long bits) {
        long fraction = bits & 0xfffffffffffffL;
        return (bits & 0x7ff0000000000000L) == 0 ? fraction : fraction | 1L << 52;
    }

    /** The exponent of the significand's last bit: |value| = significand · 2^exponent. */
    static int exponent(long bits) {
        int biased = (int) (bits >>> 52) & 0x7ff;
        return (biased == 0 ? 1 : biased) - 1075;
    }

    private static BigInteger signed(long bits) {
        BigInteger magnitude = BigInteger.valueOf(significand(bits));
        return bits < 0 ? magnitude.negate() : magnitude;
    }

    /** Rounds the exact signed value {@code sum · 2^exp}; a zero sum is an exact zero of x + y. */
    private static long round(BigInteger sum, int exp, double x, double y, int rm, FpuState fs) {
        if (sum.signum() == 0) {
            return Double.doubleToRawLongBits(Rounding.zeroSum(x, y, rm));
        }
        return Rounding.packBig(sum.signum() < 0, sum.abs(), exp, false, Format.DOUBLE, rm, fs);
    }

    static long add(long a, long b, int rm, FpuState fs) {
        int ea = exponent(a);
        int eb = exponent(b);
        int e = Math.min(ea, eb);
        BigInteger sum = signed(a).shiftLeft(ea - e).add(signed(b).shiftLeft(eb - e));
        return round(sum, e, Double.longBitsToDouble(a), Double.longBitsToDouble(b), rm, fs);
    }

    static long mul(long a, long b, int rm, FpuState fs) {
        BigInteger product = BigInteger.valueOf(significand(a)).multiply(BigInteger.valueOf(significand(b)));
        return Rounding.packBig((a ^ b) < 0, product, exponent(a) + exponent(b), false, Format.DOUBLE, rm, fs);
    }

    static long div(long a, long b, int rm, FpuState fs) {
        BigInteger dividend = BigInteger.valueOf(significand(a));
        BigInteger divisor = BigInteger.valueOf(significand(b));
        int shift = Math.max(0, 70 + divisor.bitLength() - dividend.bitLength());
        BigInteger[] qr = dividend.shiftLeft(shift).divideAndRemainder(divisor);
        int exp = exponent(a) - shift - exponent(b);
        return Rounding.packBig((a ^ b) < 0, qr[0], exp, qr[1].signum() != 0, Format.DOUBLE, rm, fs);
    }

    static long sqrt(long a, int rm, FpuState fs) {
        BigInteger radicand = BigInteger.valueOf(significand(a));
        int exp = exponent(a);
        int shift = 140 - radicand.bitLength();
        if (((exp - shift) & 1) != 0) {
            shift++;
        }
        radicand = radicand.shiftLeft(shift);
        exp -= shift;
        BigInteger[] rootAndRemainder = radicand.sqrtAndRemainder();
        return Rounding.packBig(false, rootAndRemainder[0], exp / 2, rootAndRemainder[1].signum() != 0,
                Format.DOUBLE, rm, fs);
    }

    static long fma(long a, long b, long c, int rm, FpuState fs) {
        BigInteger product = signed(a).multiply(signed(b));
        int ep = exponent(a) + exponent(b);
        int ec = exponent(c);
        int e = Math.min(ep, ec);
        BigInteger sum = product.shiftLeft(ep - e).add(signed(c).shiftLeft(ec - e));
        double productZero = (a ^ b) < 0 ? -0.0 : 0.0; // product is non-zero here; sign only matters for 0 + 0
        return round(sum, e, productZero, Double.longBitsToDouble(c), rm, fs);
    }
}
