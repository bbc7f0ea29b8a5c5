package dev.vireo.riscv.cpu.fpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vireo.riscv.cpu.FpuState;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Differential test of {@link DoubleArithmetic}'s error-term fast paths against the BigInteger
 * path of {@link ExactArithmetic}: same bits and same flags in every rounding mode. Raise the
 * case count with {@code -Dvireo.fpu.cases=N} for a long soak.
 */
class FastPathAgreesWithExactPathTest {
    private static final int CASES = Integer.getInteger("vireo.fpu.cases", 10_000);
    private final SplittableRandom random = new SplittableRandom(7);

    private long randomFinite() {
        long fraction = random.nextLong() & 0xfffffffffffffL;
        if (random.nextInt(4) == 0) {
            fraction &= -1L << random.nextInt(53);
        }
        long biased = random.nextInt(3) == 0 ? 1 + random.nextInt(2046) : 1023 + random.nextInt(201) - 100;
        long sign = random.nextBoolean() ? Long.MIN_VALUE : 0;
        return sign | biased << 52 | fraction;
    }

    private interface Op {
        long apply(int rm, FpuState fs);
    }

    private static void agree(String what, Op fast, Op exact) {
        for (int rm = 0; rm <= 4; rm++) {
            FpuState a = new FpuState();
            FpuState b = new FpuState();
            long fastBits = fast.apply(rm, a);
            long exactBits = exact.apply(rm, b);
            assertThat(Long.toHexString(fastBits)).as("%s rm=%d", what, rm).isEqualTo(Long.toHexString(exactBits));
            assertThat(a.fflags).as("flags of %s rm=%d", what, rm).isEqualTo(b.fflags);
        }
    }

    @Test
    void fastAndExactPathsAgree() {
        for (int i = 0; i < CASES; i++) {
            long a = randomFinite();
            long b = randomFinite();
            long c = switch (random.nextInt(3)) {
                case 0 -> Double.doubleToRawLongBits(-Double.longBitsToDouble(a) * Double.longBitsToDouble(b)
                        * (1 + Math.scalb((double) random.nextInt(64) - 32, -52)));
                case 1 -> randomFinite();
                default -> Double.doubleToRawLongBits(Math.scalb(Double.longBitsToDouble(randomFinite()), -60));
            };
            if (!Double.isFinite(Double.longBitsToDouble(c)) || Double.longBitsToDouble(c) == 0) {
                continue;
            }
            String operands = Double.longBitsToDouble(a) + ", " + Double.longBitsToDouble(b) + ", "
                    + Double.longBitsToDouble(c);
            long sum = Double.doubleToRawLongBits(Double.longBitsToDouble(a) + Double.longBitsToDouble(b));
            if (Double.longBitsToDouble(sum) != 0) {
                agree("add " + operands, (rm, fs) -> DoubleArithmetic.add(a, b, rm, fs),
                        (rm, fs) -> ExactArithmetic.add(a, b, rm, fs));
            }
            agree("mul " + operands, (rm, fs) -> DoubleArithmetic.mul(a, b, rm, fs),
                    (rm, fs) -> ExactArithmetic.mul(a, b, rm, fs));
            agree("div " + operands, (rm, fs) -> DoubleArithmetic.div(a, b, rm, fs),
                    (rm, fs) -> ExactArithmetic.div(a, b, rm, fs));
            long magnitude = a & Long.MAX_VALUE;
            agree("sqrt " + operands, (rm, fs) -> DoubleArithmetic.sqrt(magnitude, rm, fs),
                    (rm, fs) -> ExactArithmetic.sqrt(magnitude, rm, fs));
            agree("fma " + operands, (rm, fs) -> DoubleArithmetic.fma(a, b, c, rm, fs),
                    (rm, fs) -> ExactArithmetic.fma(a, b, c, rm, fs));
        }
    }
}
