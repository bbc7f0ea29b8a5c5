package dev.vireo.riscv.cpu.fpu;

import dev.vireo.riscv.cpu.FpuState;
import java.math.BigInteger;

/**
 * Rounding of an exact (or sticky-extended) binary value to a {@link Format} under one of the
 * five RISC-V rounding modes, with the exception flags of RISC-V unprivileged §11.2: overflow
 * results per rounding mode, and underflow signalled when the result is tiny <em>after</em>
 * rounding (with unbounded exponent) and inexact.
 *
 * <p>{@link #pack} is the one place that knows the rules; it works on a 64-bit significand and
 * allocates nothing. {@link #packBig} feeds it from the exact BigInteger slow paths.
 * {@link #step} corrects a hardware round-to-nearest double result to the other modes, given
 * the sign of its exact error; it is only valid away from the subnormal and overflow edges.
 */
public final class Rounding {
    public static final int RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4, DYNAMIC = 7;
    public static final int NV = 16, DZ = 8, OF = 4, UF = 2, NX = 1;

    private Rounding() {}

    /**
     * Rounds {@code (sig + ε) · 2^exp} to {@code format}, where {@code sig} is an unsigned
     * non-zero 64-bit integer and ε is some value in (0, 1) if {@code sticky}, else 0. Accrues
     * NX/UF/OF into {@code fs.fflags}; returns the raw bits (with the sign).
     */
    public static long pack(boolean negative, long sig, int exp, boolean sticky, Format format, int rm, FpuState fs) {
        if (sig == 0) {
            throw new IllegalArgumentException("pack needs a non-zero significand");
        }
        int p = format.precision;
        int emin = format.minExponent;
        int leadingZeros = Long.numberOfLeadingZeros(sig);
        sig <<= leadingZeros;
        exp -= leadingZeros;
        int top = exp + 63; // exponent of the leading one

        // Tininess after rounding: round to p bits with an unbounded exponent range.
        boolean tiny = false;
        if (top < emin) {
            long q = sig >>> (64 - p);
            boolean carriesToNextBinade = increment(negative, q, sig << p, sticky, rm) && q + 1 == 1L << p;
            tiny = !(carriesToNextBinade && top + 1 >= emin);
        }

        long q;
        long rest; // the dropped bits, left-aligned: bit 63 is the round bit
        int lsbExp;
        if (top >= emin) {
            q = sig >>> (64 - p);
            rest = sig << p;
            lsbExp = exp + 64 - p;
        } else {
            lsbExp = emin - p + 1;
            int shift = lsbExp - exp; // > 64 - p
            if (shift < 64) {
                q = sig >>> shift;
                rest = sig << (64 - shift);
            } else if (shift == 64) {
                q = 0;
                rest = sig;
            } else {
                q = 0;
                rest = 0;
                sticky = true; // below half an ulp of the smallest subnormal
            }
        }
        boolean inexact = rest != 0 || sticky;
        if (increment(negative, q, rest, sticky, rm)) {
            q++;
        }
        long sign = negative ? format.signBit : 0;
        long biased = (long) lsbExp + (p - 1) + format.bias; // biased exponent if q were normal
        long finalBiased = biased - 1 + (q >>> (p - 1));
        if (q >= 1L << (p - 1) && finalBiased >= format.maxBiasedExponent) {
            fs.fflags |= OF | NX;
            return sign | overflowMagnitude(negative, format, rm);
        }
        if (inexact) {
            fs.fflags |= tiny ? (UF | NX) : NX;
        }
        return sign | (((biased - 1) << (p - 1)) + q);
    }

    /** As {@link #pack} for a non-negative BigInteger magnitude (zero is not allowed). */
    public static long packBig(boolean negative, BigInteger magnitude, int exp, boolean sticky, Format format, int rm, FpuState fs) {
        int length = magnitude.bitLength();
        if (length > 64) {
            int drop = length - 64;
            sticky |= magnitude.getLowestSetBit() < drop;
            return pack(negative, magnitude.shiftRight(drop).longValue(), exp + drop, sticky, format, rm, fs);
        }
        return pack(negative, magnitude.longValue(), exp, sticky, format, rm, fs);
    }

    /** The magnitude an overflowing result takes: ±∞ or the largest finite number. */
    static long overflowMagnitude(boolean negative, Format format, int rm) {
        boolean toInfinity = switch (rm) {
            case RNE, RMM -> true;
            case RUP -> !negative;
            case RDN -> negative;
            default -> false;
        };
        return toInfinity ? format.infinityBits : format.maxFiniteBits;
    }

    /**
     * Whether to add one ulp to the truncated magnitude {@code q}, given the dropped bits
     * {@code rest} (left-aligned) and whether anything non-zero lies below them.
     */
    static boolean increment(boolean negative, long q, long rest, boolean sticky, int rm) {
        boolean half = rest < 0;
        boolean belowHalf = (rest << 1) != 0 || sticky;
        return switch (rm) {
            case RNE -> half && (belowHalf || (q & 1) != 0);
            case RMM -> half;
            case RDN -> negative && (half || belowHalf);
            case RUP -> !negative && (half || belowHalf);
            default -> false;
        };
    }

    /**
     * Corrects {@code r}, the round-to-nearest-even result of an operation, to mode {@code rm}.
     * {@code errorSign} is the sign of (exact − r); {@code tie} says the exact value lies exactly
     * half way between r and its neighbour on that side. Valid only for MIN_NORMAL < |r| < MAX
     * (no subnormal, no overflow on either side).
     */
    public static double step(double r, int errorSign, boolean tie, int rm) {
        if (errorSign == 0) {
            return r;
        }
        boolean up = errorSign > 0;
        boolean awayFromZero = up == (r > 0);
        boolean move = switch (rm) {
            case RTZ -> !awayFromZero;
            case RDN -> !up;
            case RUP -> up;
            case RMM -> tie && awayFromZero;
            default -> false;
        };
        if (!move) {
            return r;
        }
        return up ? Math.nextUp(r) : Math.nextDown(r);
    }

    /** Whether {@code r + errorHigh + errorLow} lies half way between r and its neighbour. */
    public static boolean isTie(double r, double errorHigh, double errorLow) {
        if (errorLow != 0 || errorHigh == 0) {
            return false;
        }
        double neighbour = errorHigh > 0 ? Math.nextUp(r) : Math.nextDown(r);
        return 2 * Math.abs(errorHigh) == Math.abs(neighbour - r);
    }

    /** Rounds a double that carries the exact value (or its round-to-odd form) to single. */
    public static int toSingle(double v, int rm, FpuState fs) {
        if (rm == RNE) {
            float f = (float) v;
            float magnitude = Math.abs(f);
            if (magnitude > Float.MIN_NORMAL && magnitude <= Float.MAX_VALUE) {
                if (f != v) {
                    fs.fflags |= NX;
                }
                return Float.floatToRawIntBits(f);
            }
        }
        long bits = Double.doubleToRawLongBits(v);
        int biased = (int) (bits >>> 52) & 0x7ff;
        long fraction = bits & 0xfffffffffffffL;
        long sig = biased == 0 ? fraction : fraction | 1L << 52;
        int exp = (biased == 0 ? 1 : biased) - 1075;
        return (int) pack(bits < 0, sig, exp, false, Format.SINGLE, rm, fs);
    }

    /**
     * Round-to-odd of an exact value s + e given as its nearest double s and exact error e:
     * keeps the information of e in the last bit, so a later rounding to fewer than 52 bits is
     * correct (no double-rounding error).
     */
    public static double roundToOdd(double s, double error) {
        if (error == 0 || (Double.doubleToRawLongBits(s) & 1) != 0) {
            return s;
        }
        return error > 0 ? Math.nextUp(s) : Math.nextDown(s);
    }

    /**
     * The zero that an exactly-zero sum x + y takes (IEEE 754 §6.3): the common sign when both
     * are zeros of one sign, otherwise +0, or −0 when rounding down.
     */
    public static double zeroSum(double x, double y, int rm) {
        boolean xNegative = Double.doubleToRawLongBits(x) < 0;
        boolean yNegative = Double.doubleToRawLongBits(y) < 0;
        if (x == 0 && y == 0 && xNegative == yNegative) {
            return x;
        }
        return rm == RDN ? -0.0 : 0.0;
    }
}
