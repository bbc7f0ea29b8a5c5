package dev.vireo.riscv.cpu;

import static dev.vireo.riscv.cpu.FpuHarness.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * FCVT to and from every integer type in every rounding mode, checked against BigDecimal's
 * rounding (HALF_EVEN, DOWN, FLOOR, CEILING, HALF_UP are RNE, RTZ, RDN, RUP, RMM) and the
 * saturation rule for values out of range.
 */
class IntegerConversionPropertyTest {
    private static final RoundingMode[] MODES = {
        RoundingMode.HALF_EVEN, RoundingMode.DOWN, RoundingMode.FLOOR, RoundingMode.CEILING, RoundingMode.HALF_UP};
    private static final BigInteger[] MIN = {
        BigInteger.valueOf(Integer.MIN_VALUE), BigInteger.ZERO, BigInteger.valueOf(Long.MIN_VALUE), BigInteger.ZERO};
    private static final BigInteger[] MAX = {
        BigInteger.valueOf(Integer.MAX_VALUE), BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE),
        BigInteger.valueOf(Long.MAX_VALUE), BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE)};

    private final SplittableRandom random = new SplittableRandom(42);

    /** The register value of an integer result of kind {@code kind}: 32-bit ones sign-extended. */
    private static long register(BigInteger value, int kind) {
        return kind <= 1 ? (long) value.intValue() : value.longValue();
    }

    @Test
    void floatToIntegerMatchesBigDecimalRounding() {
        FpuHarness h = new FpuHarness();
        for (int i = 0; i < 20_000; i++) {
            double v = switch (random.nextInt(4)) {
                case 0 -> (random.nextDouble() - 0.5) * 16;
                case 1 -> Math.scalb(random.nextDouble() - 0.5, random.nextInt(70));
                case 2 -> Math.round(random.nextDouble() * 64 - 32) / 2.0; // halves: ties
                default -> Math.scalb((double) (random.nextLong() | 1), -random.nextInt(64));
            };
            boolean single = random.nextBoolean();
            if (single) {
                v = (float) v;
            }
            int kind = random.nextInt(4);
            int rm = random.nextInt(5);
            BigInteger rounded = new BigDecimal(v).setScale(0, MODES[rm]).toBigIntegerExact();
            long actual = single ? h.toInt(S, kind, rm, box((float) v)) : h.toInt(D, kind, rm, bits(v));
            int flags = h.flagsAndClear();
            String what = "fcvt kind " + kind + " of " + v + " rm " + rm;
            if (rounded.compareTo(MIN[kind]) < 0 || rounded.compareTo(MAX[kind]) > 0) {
                assertThat(actual).as(what).isEqualTo(register(v < 0 ? MIN[kind] : MAX[kind], kind));
                assertThat(flags).as(what).isEqualTo(NV);
            } else {
                assertThat(actual).as(what).isEqualTo(register(rounded, kind));
                assertThat(flags).as(what).isEqualTo(new BigDecimal(v).compareTo(new BigDecimal(rounded)) == 0 ? 0 : NX);
            }
        }
    }

    @Test
    void integerToFloatMatchesBigDecimalRounding() {
        FpuHarness h = new FpuHarness();
        for (int i = 0; i < 20_000; i++) {
            long n = random.nextLong() >> random.nextInt(64);
            int kind = random.nextInt(4);
            int rm = random.nextInt(5);
            BigInteger value = switch (kind) {
                case 0 -> BigInteger.valueOf((int) n);
                case 1 -> BigInteger.valueOf(n & 0xffffffffL);
                case 2 -> BigInteger.valueOf(n);
                default -> new BigInteger(Long.toUnsignedString(n));
            };
            BigDecimal exact = new BigDecimal(value);
            double d = Double.longBitsToDouble(h.fromInt(D, kind, rm, n));
            assertThat(h.flagsAndClear() & NX).isEqualTo(new BigDecimal(d).compareTo(exact) == 0 ? 0 : NX);
            assertThat(new BigDecimal(d)).as("fcvt.d kind %d of %d rm %d", kind, n, rm)
                    .isEqualTo(roundToPrecision(exact, 53, rm));
            float f = Float.intBitsToFloat((int) h.fromInt(S, kind, rm, n));
            h.flagsAndClear();
            assertThat(new BigDecimal(f)).as("fcvt.s kind %d of %d rm %d", kind, n, rm)
                    .isEqualTo(roundToPrecision(exact, 24, rm));
        }
    }

    /** Rounds an integer to {@code bits} significant bits with BigDecimal's rounding. */
    private static BigDecimal roundToPrecision(BigDecimal value, int bits, int rm) {
        BigInteger magnitude = value.toBigIntegerExact().abs();
        int drop = Math.max(0, magnitude.bitLength() - bits);
        BigDecimal scale = new BigDecimal(BigInteger.ONE.shiftLeft(drop));
        BigDecimal units = value.divide(scale).setScale(0, MODES[rm]);
        return new BigDecimal(units.toBigIntegerExact().shiftLeft(drop));
    }
}
