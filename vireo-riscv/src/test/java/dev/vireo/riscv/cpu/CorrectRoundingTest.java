package dev.vireo.riscv.cpu;

import static dev.vireo.riscv.cpu.FpuHarness.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

/**
 * Checks add/sub/mul/div/sqrt/fma in every rounding mode against an oracle that knows only the
 * definition of rounding: the result must be the floor or ceiling of the exact value (decided
 * by exact BigDecimal comparisons), chosen as the mode says, and NX must be set exactly when
 * the value was not representable. Operands are random over the whole exponent range
 * (including subnormals) but chosen so results do not overflow; overflow, underflow flags and
 * exact zeros are covered by {@link FloatFlagsTest}.
 */
class CorrectRoundingTest {
    private static final int CASES = 800;
    private final SplittableRandom random = new SplittableRandom(0x5eed_f0dL);

    private static BigDecimal exact(double d) {
        return new BigDecimal(d);
    }

    /** A random double; mostly modest exponents, sometimes anywhere including subnormals. */
    private double randomDouble(int exponentSpan) {
        long fraction = random.nextLong() & 0xfffffffffffffL;
        if (random.nextInt(8) == 0) {
            fraction &= -1L << random.nextInt(52); // short significands make ties and exact results
        }
        int biased = switch (random.nextInt(10)) {
            case 0 -> 0; // subnormal
            case 1, 2 -> 1 + random.nextInt(2046);
            default -> 1023 + random.nextInt(2 * exponentSpan + 1) - exponentSpan;
        };
        long sign = random.nextBoolean() ? Long.MIN_VALUE : 0;
        return Double.longBitsToDouble(sign | (long) biased << 52 | fraction);
    }

    private float randomFloat() {
        int fraction = random.nextInt() & 0x7fffff;
        if (random.nextInt(8) == 0) {
            fraction &= -1 << random.nextInt(23);
        }
        int biased = switch (random.nextInt(10)) {
            case 0 -> 0;
            case 1, 2 -> 1 + random.nextInt(254);
            default -> 127 + random.nextInt(41) - 20;
        };
        int sign = random.nextBoolean() ? Integer.MIN_VALUE : 0;
        return Float.intBitsToFloat(sign | biased << 23 | fraction);
    }

    /**
     * The correctly rounded double for an exact value known through {@code compare} (the sign of
     * exact − candidate), starting from the nearby approximation {@code guess}. Returns null if
     * the result overflows.
     */
    static Double oracleDouble(double guess, ToIntFunction<BigDecimal> compare, int rm) {
        double floor = guess;
        if (Math.abs(guess) >= Double.MAX_VALUE) {
            return null;
        }
        while (compare.applyAsInt(exact(floor)) < 0) {
            if (floor == -Double.MAX_VALUE) {
                return null;
            }
            floor = Math.nextDown(floor);
        }
        while (floor < Double.MAX_VALUE && compare.applyAsInt(exact(Math.nextUp(floor))) >= 0) {
            floor = Math.nextUp(floor);
        }
        if (floor == Double.MAX_VALUE || floor == -Double.MAX_VALUE || Double.isInfinite(floor)) {
            return null;
        }
        int atFloor = compare.applyAsInt(exact(floor));
        if (atFloor == 0) {
            return floor;
        }
        double ceiling = Math.nextUp(floor);
        boolean positive = floor >= 0;
        int atMiddle = compare.applyAsInt(exact(floor).add(exact(ceiling)).divide(BigDecimal.valueOf(2)));
        double result = switch (rm) {
            case RDN -> floor;
            case RUP -> ceiling;
            case RTZ -> positive ? floor : ceiling;
            case RMM -> atMiddle < 0 ? floor : atMiddle > 0 ? ceiling : (positive ? ceiling : floor);
            default -> atMiddle < 0 ? floor : atMiddle > 0 ? ceiling
                    : ((Double.doubleToRawLongBits(floor) & 1) == 0 ? floor : ceiling);
        };
        if (result == 0) {
            result = positive ? 0.0 : -0.0; // a non-zero value rounded to zero keeps its sign
        }
        return result;
    }

    static Float oracleFloat(float guess, ToIntFunction<BigDecimal> compare, int rm) {
        float floor = guess;
        if (Math.abs(guess) >= Float.MAX_VALUE) {
            return null;
        }
        while (compare.applyAsInt(new BigDecimal(floor)) < 0) {
            if (floor == -Float.MAX_VALUE) {
                return null;
            }
            floor = Math.nextDown(floor);
        }
        while (floor < Float.MAX_VALUE && compare.applyAsInt(new BigDecimal(Math.nextUp(floor))) >= 0) {
            floor = Math.nextUp(floor);
        }
        if (Math.abs(floor) == Float.MAX_VALUE || Float.isInfinite(floor)) {
            return null;
        }
        if (compare.applyAsInt(new BigDecimal(floor)) == 0) {
            return floor;
        }
        float ceiling = Math.nextUp(floor);
        boolean positive = floor >= 0;
        int atMiddle = compare.applyAsInt(new BigDecimal(floor).add(new BigDecimal(ceiling)).divide(BigDecimal.valueOf(2)));
        float result = switch (rm) {
            case RDN -> floor;
            case RUP -> ceiling;
            case RTZ -> positive ? floor : ceiling;
            case RMM -> atMiddle < 0 ? floor : atMiddle > 0 ? ceiling : (positive ? ceiling : floor);
            default -> atMiddle < 0 ? floor : atMiddle > 0 ? ceiling
                    : ((Float.floatToRawIntBits(floor) & 1) == 0 ? floor : ceiling);
        };
        if (result == 0) {
            result = positive ? 0.0f : -0.0f;
        }
        return result;
    }

    private void checkDouble(String what, long actual, int flags, double guess, ToIntFunction<BigDecimal> compare, int rm) {
        Double expected = oracleDouble(guess, compare, rm);
        if (expected == null) {
            return;
        }
        assertThat(Double.longBitsToDouble(actual)).as("%s rm=%d", what, rm)
                .isEqualTo(expected.doubleValue());
        assertThat(actual).as("%s rm=%d bits", what, rm).isEqualTo(Double.doubleToRawLongBits(expected));
        boolean exactResult = compare.applyAsInt(exact(expected)) == 0;
        assertThat(flags & NX).as("%s rm=%d NX", what, rm).isEqualTo(exactResult ? 0 : NX);
        assertThat(flags & (NV | DZ | OF)).as("%s rm=%d flags", what, rm).isZero();
    }

    private void checkFloat(String what, int actual, int flags, float guess, ToIntFunction<BigDecimal> compare, int rm) {
        Float expected = oracleFloat(guess, compare, rm);
        if (expected == null) {
            return;
        }
        assertThat(actual).as("%s rm=%d bits", what, rm).isEqualTo(Float.floatToRawIntBits(expected));
        boolean exactResult = compare.applyAsInt(new BigDecimal(expected)) == 0;
        assertThat(flags & NX).as("%s rm=%d NX", what, rm).isEqualTo(exactResult ? 0 : NX);
        assertThat(flags & (NV | DZ | OF)).as("%s rm=%d flags", what, rm).isZero();
    }

    @Test
    void doubleAddMulDivSqrtFmaAreCorrectlyRoundedInEveryMode() {
        FpuHarness h = new FpuHarness();
        for (int i = 0; i < CASES; i++) {
            double a = randomDouble(60);
            double b = random.nextInt(4) == 0 ? a * (1 + random.nextInt(5)) * 0x1p-60 : randomDouble(60);
            double c = random.nextInt(3) == 0 ? -(a * b) * (1 + Math.scalb(random.nextInt(9) - 4, -50)) : randomDouble(60);
            if (!Double.isFinite(c)) {
                continue;
            }
            BigDecimal ea = exact(a), eb = exact(b), ec = exact(c);
            for (int rm = 0; rm <= 4; rm++) {
                String operands = a + ", " + b + ", " + c;
                if (a + b != 0) {
                    long r = h.d(FADD, rm, a, b);
                    checkDouble("fadd " + operands, r, h.flagsAndClear(), a + b, v -> ea.add(eb).compareTo(v), rm);
                    r = h.d(FSUB, rm, a, -b);
                    checkDouble("fsub " + operands, r, h.flagsAndClear(), a + b, v -> ea.add(eb).compareTo(v), rm);
                }
                if (a != 0 && b != 0) {
                    long r = h.d(FMUL, rm, a, b);
                    checkDouble("fmul " + operands, r, h.flagsAndClear(), a * b, v -> ea.multiply(eb).compareTo(v), rm);
                    r = h.d(FDIV, rm, a, b);
                    // sign(a/b − v) = sign(a − v·b)·sign(b)
                    checkDouble("fdiv " + operands, r, h.flagsAndClear(), a / b,
                            v -> ea.subtract(v.multiply(eb)).signum() * eb.signum(), rm);
                    BigDecimal exactFma = ea.multiply(eb).add(ec);
                    if (exactFma.signum() != 0) {
                        r = h.fmaD(FMADD, rm, a, b, c);
                        checkDouble("fmadd " + operands, r, h.flagsAndClear(), Math.fma(a, b, c),
                                v -> exactFma.compareTo(v), rm);
                    }
                }
                double magnitude = Math.abs(a);
                if (magnitude != 0) {
                    BigDecimal em = exact(magnitude);
                    long r = h.d(FSQRT, rm, magnitude, 0);
                    checkDouble("fsqrt " + magnitude, r, h.flagsAndClear(), Math.sqrt(magnitude),
                            v -> v.signum() < 0 ? 1 : em.compareTo(v.multiply(v)), rm);
                }
            }
        }
    }

    @Test
    void singleAddMulDivSqrtFmaAreCorrectlyRoundedInEveryMode() {
        FpuHarness h = new FpuHarness();
        for (int i = 0; i < CASES; i++) {
            float a = randomFloat();
            float b = randomFloat();
            float c = random.nextInt(3) == 0 ? (float) -((double) a * b) : randomFloat();
            if (!Float.isFinite(c)) {
                continue;
            }
            BigDecimal ea = new BigDecimal(a), eb = new BigDecimal(b), ec = new BigDecimal(c);
            for (int rm = 0; rm <= 4; rm++) {
                String operands = a + ", " + b + ", " + c;
                if (a + b != 0) {
                    int r = h.s(FADD, rm, a, b);
                    checkFloat("fadd.s " + operands, r, h.flagsAndClear(), a + b, v -> ea.add(eb).compareTo(v), rm);
                }
                if (a != 0 && b != 0) {
                    int r = h.s(FMUL, rm, a, b);
                    checkFloat("fmul.s " + operands, r, h.flagsAndClear(), a * b, v -> ea.multiply(eb).compareTo(v), rm);
                    r = h.s(FDIV, rm, a, b);
                    checkFloat("fdiv.s " + operands, r, h.flagsAndClear(), a / b,
                            v -> ea.subtract(v.multiply(eb)).signum() * eb.signum(), rm);
                    BigDecimal exactFma = ea.multiply(eb).add(ec);
                    if (exactFma.signum() != 0) {
                        r = h.fmaS(FMADD, rm, a, b, c);
                        checkFloat("fmadd.s " + operands, r, h.flagsAndClear(), (float) Math.fma(a, b, (double) c),
                                v -> exactFma.compareTo(v), rm);
                    }
                }
                float magnitude = Math.abs(a);
                if (magnitude != 0) {
                    BigDecimal em = new BigDecimal(magnitude);
                    int r = h.s(FSQRT, rm, magnitude, 0);
                    checkFloat("fsqrt.s " + magnitude, r, h.flagsAndClear(), (float) Math.sqrt(magnitude),
                            v -> v.signum() < 0 ? 1 : em.compareTo(v.multiply(v)), rm);
                }
            }
        }
    }

    @Test
    void conversionsToNarrowerFormatsAreCorrectlyRounded() {
        FpuHarness h = new FpuHarness();
        for (int i = 0; i < CASES * 4; i++) {
            double a = random.nextInt(3) == 0 ? randomDouble(1000) : Math.scalb(randomDouble(2), random.nextInt(300) - 150);
            long n = random.nextLong() >> random.nextInt(64);
            if (!Double.isFinite(a)) {
                continue;
            }
            BigDecimal ea = exact(a);
            BigDecimal en = new BigDecimal(n);
            for (int rm = 0; rm <= 4; rm++) {
                h.fs.f[1] = bits(a);
                h.run(opFp(FCVT_FF, S, rm, 10, 1, 1));
                if (a != 0) {
                    checkFloat("fcvt.s.d " + a, (int) h.fs.f[10], h.flagsAndClear(), (float) a,
                            v -> ea.compareTo(v), rm);
                }
                h.flagsAndClear();
                if (n != 0) {
                    long r = h.fromInt(D, 2, rm, n);
                    checkDouble("fcvt.d.l " + n, r, h.flagsAndClear(), (double) n, v -> en.compareTo(v), rm);
                    r = h.fromInt(S, 2, rm, n);
                    checkFloat("fcvt.s.l " + n, (int) r, h.flagsAndClear(), (float) n, v -> en.compareTo(v), rm);
                }
            }
        }
    }

    @Test
    void oracleItselfAgreesWithJavaRoundToNearest() {
        for (int i = 0; i < 200; i++) {
            double a = randomDouble(60), b = randomDouble(60);
            BigDecimal sum = exact(a).add(exact(b));
            Double expected = oracleDouble(sum.doubleValue(), v -> sum.compareTo(v), RNE);
            if (expected != null && a + b != 0) {
                assertThat(expected).isEqualTo(a + b);
            }
        }
    }
}
