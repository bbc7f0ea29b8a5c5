package dev.vireo.riscv.cpu;

import static dev.vireo.riscv.cpu.FpuHarness.*;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** FCVT between formats and integers: rounding, NX, and the saturation table of invalid inputs. */
class FloatConversionTest {
    private static final int W = 0, WU = 1, L = 2, LU = 3;
    private static final long CANONICAL_D = 0x7ff8000000000000L;
    private static final long SNAN_D = 0x7ff4000000000000L;

    private final FpuHarness h = new FpuHarness();

    private void expect(long actual, long expected, int flags) {
        assertThat(actual).as("result").isEqualTo(expected);
        assertThat(h.flagsAndClear()).as("flags").isEqualTo(flags);
    }

    @Test
    void invalidInputsSaturatePerSpecTable() {
        double nan = Double.NaN, inf = Double.POSITIVE_INFINITY;
        // W
        expect(h.toInt(D, W, RTZ, bits(nan)), Integer.MAX_VALUE, NV);
        expect(h.toInt(D, W, RTZ, bits(inf)), Integer.MAX_VALUE, NV);
        expect(h.toInt(D, W, RTZ, bits(-inf)), Integer.MIN_VALUE, NV);
        expect(h.toInt(D, W, RTZ, bits(3e9)), Integer.MAX_VALUE, NV);
        expect(h.toInt(D, W, RTZ, bits(-3e9)), Integer.MIN_VALUE, NV);
        // WU: 32-bit results are sign-extended
        expect(h.toInt(D, WU, RTZ, bits(nan)), -1L, NV);
        expect(h.toInt(D, WU, RTZ, bits(inf)), -1L, NV);
        expect(h.toInt(D, WU, RTZ, bits(-inf)), 0, NV);
        expect(h.toInt(D, WU, RTZ, bits(-1.0)), 0, NV);
        expect(h.toInt(D, WU, RTZ, bits(0x1p32)), -1L, NV);
        // L
        expect(h.toInt(D, L, RTZ, bits(nan)), Long.MAX_VALUE, NV);
        expect(h.toInt(D, L, RTZ, bits(0x1p63)), Long.MAX_VALUE, NV);
        expect(h.toInt(D, L, RTZ, bits(-inf)), Long.MIN_VALUE, NV);
        expect(h.toInt(D, L, RTZ, bits(-0x1p64)), Long.MIN_VALUE, NV);
        // LU
        expect(h.toInt(D, LU, RTZ, bits(nan)), -1L, NV);
        expect(h.toInt(D, LU, RTZ, bits(0x1p64)), -1L, NV);
        expect(h.toInt(D, LU, RTZ, bits(-1.0)), 0, NV);
        expect(h.toInt(D, LU, RTZ, bits(-inf)), 0, NV);
        // Singles, and a signaling NaN (same result, NV once)
        expect(h.toInt(S, W, RNE, box(Float.NaN)), Integer.MAX_VALUE, NV);
        expect(h.toInt(S, L, RNE, box(Float.NEGATIVE_INFINITY)), Long.MIN_VALUE, NV);
        expect(h.toInt(S, LU, RNE, box(-2.0f)), 0, NV);
        expect(h.toInt(D, W, RNE, SNAN_D), Integer.MAX_VALUE, NV);
        expect(h.toInt(S, W, RNE, 0x3f800000L), Integer.MAX_VALUE, NV); // unboxed: canonical NaN
    }

    @Test
    void boundariesConvertExactly() {
        expect(h.toInt(D, W, RNE, bits(2147483647.0)), Integer.MAX_VALUE, 0);
        expect(h.toInt(D, W, RNE, bits(-2147483648.0)), Integer.MIN_VALUE, 0);
        expect(h.toInt(D, WU, RNE, bits(4294967295.0)), -1L, 0);
        expect(h.toInt(D, WU, RNE, bits(3e9)), (long) (int) 3000000000L, 0);
        expect(h.toInt(D, L, RNE, bits(-0x1p63)), Long.MIN_VALUE, 0);
        expect(h.toInt(D, LU, RNE, bits(0x1p63)), Long.MIN_VALUE, 0);
        expect(h.toInt(D, LU, RNE, bits(Math.nextDown(0x1p64))), 0xfffffffffffff800L, 0);
        expect(h.toInt(S, LU, RNE, box(0x1p63f)), Long.MIN_VALUE, 0);
        expect(h.toInt(D, W, RNE, bits(-0.0)), 0, 0);
        expect(h.toInt(D, WU, RNE, bits(-0.0)), 0, 0);
    }

    @Test
    void roundingPastTheEdgeIsInvalidButTruncatingIsInexact() {
        expect(h.toInt(D, W, RNE, bits(2147483647.5)), Integer.MAX_VALUE, NV);
        expect(h.toInt(D, W, RTZ, bits(2147483647.5)), Integer.MAX_VALUE, NX);
        expect(h.toInt(D, W, RTZ, bits(-2147483648.5)), Integer.MIN_VALUE, NX);
        expect(h.toInt(D, W, RDN, bits(-2147483648.5)), Integer.MIN_VALUE, NV);
        expect(h.toInt(D, WU, RTZ, bits(-0.5)), 0, NX);
        expect(h.toInt(D, WU, RNE, bits(-0.5)), 0, NX);
        expect(h.toInt(D, WU, RDN, bits(-0.5)), 0, NV);
        expect(h.toInt(D, LU, RUP, bits(-0.9)), 0, NX);
        expect(h.toInt(D, WU, RUP, bits(4294967295.2)), -1L, NV);
    }

    @ParameterizedTest(name = "rm {0}")
    @CsvSource({"0, 2, -2, 1, -1", "1, 2, -2, 1, -1", "2, 2, -3, 1, -2", "3, 3, -2, 2, -1", "4, 3, -3, 1, -1"})
    void floatToIntegerRoundsPerMode(int rm, long twoAndHalf, long minusTwoAndHalf, long oneAndThird, long minusOneAndThird) {
        expect(h.toInt(D, L, rm, bits(2.5)), twoAndHalf, NX);
        expect(h.toInt(D, L, rm, bits(-2.5)), minusTwoAndHalf, NX);
        expect(h.toInt(D, W, rm, bits(1.3)), oneAndThird, NX);
        expect(h.toInt(S, W, rm, box(-1.3f)), minusOneAndThird, NX);
        expect(h.toInt(S, L, rm, box(7.0f)), 7, 0);
        h.fs.frm = rm;
        expect(h.toInt(D, L, DYN, bits(2.5)), twoAndHalf, NX);
    }

    @Test
    void integerToFloatRoundsAndSignalsInexact() {
        expect(h.fromInt(D, W, RNE, -1), bits(-1.0), 0);
        expect(h.fromInt(D, WU, RNE, -1), bits(4294967295.0), 0);
        expect(h.fromInt(D, W, RNE, 0xffffffff_00000005L), bits(5.0), 0); // only the low 32 bits count
        expect(h.fromInt(S, W, RNE, 16777217), box(16777216f), NX);
        expect(h.fromInt(S, W, RUP, 16777217), box(16777218f), NX);
        expect(h.fromInt(S, W, RNE, 16777219), box(16777220f), NX);
        expect(h.fromInt(D, L, RNE, (1L << 53) + 1), bits(0x1p53), NX);
        expect(h.fromInt(D, L, RMM, (1L << 53) + 1), bits(0x1p53 + 2), NX);
        expect(h.fromInt(D, L, RDN, -(1L << 53) - 1), bits(-0x1p53 - 2), NX);
        expect(h.fromInt(D, LU, RNE, -1), bits(0x1p64), NX);
        expect(h.fromInt(D, LU, RTZ, -1), bits(Math.nextDown(0x1p64)), NX);
        expect(h.fromInt(S, L, RNE, Long.MIN_VALUE), box(-0x1p63f), 0);
        expect(h.fromInt(D, L, RNE, 0), bits(0.0), 0);
        expect(h.fromInt(S, WU, RNE, 0), box(0.0f), 0);
    }

    @Test
    void doubleToSingleRoundsAndHandlesSpecials() {
        h.fs.f[1] = bits(1 + 0x1p-24);
        h.run(opFp(FCVT_FF, S, RNE, 10, 1, 1));
        expect(h.fs.f[10], box(1.0f), NX);
        h.run(opFp(FCVT_FF, S, RUP, 10, 1, 1));
        expect(h.fs.f[10], box(Math.nextUp(1.0f)), NX);
        h.fs.f[1] = bits(1e39);
        h.run(opFp(FCVT_FF, S, RNE, 10, 1, 1));
        expect(h.fs.f[10], box(Float.POSITIVE_INFINITY), OF | NX);
        h.run(opFp(FCVT_FF, S, RTZ, 10, 1, 1));
        expect(h.fs.f[10], box(Float.MAX_VALUE), OF | NX);
        h.fs.f[1] = bits(-1e-50);
        h.run(opFp(FCVT_FF, S, RNE, 10, 1, 1));
        expect(h.fs.f[10], box(-0.0f), UF | NX);
        h.run(opFp(FCVT_FF, S, RDN, 10, 1, 1));
        expect(h.fs.f[10], box(-Float.MIN_VALUE), UF | NX);
        h.fs.f[1] = SNAN_D;
        h.run(opFp(FCVT_FF, S, RNE, 10, 1, 1));
        expect(h.fs.f[10], boxBits(0x7fc00000), NV);
        h.fs.f[1] = 0x7ff8000000000123L;
        h.run(opFp(FCVT_FF, S, RNE, 10, 1, 1));
        expect(h.fs.f[10], boxBits(0x7fc00000), 0);
        h.fs.f[1] = bits(Double.NEGATIVE_INFINITY);
        h.run(opFp(FCVT_FF, S, RNE, 10, 1, 1));
        expect(h.fs.f[10], box(Float.NEGATIVE_INFINITY), 0);
    }

    @Test
    void singleToDoubleIsExactAndCanonicalizesNaNs() {
        h.fs.f[1] = box(Float.MIN_VALUE);
        h.run(opFp(FCVT_FF, D, RNE, 10, 1, 0));
        expect(h.fs.f[10], bits(Float.MIN_VALUE), 0);
        h.fs.f[1] = boxBits(0x7f800001);
        h.run(opFp(FCVT_FF, D, RNE, 10, 1, 0));
        expect(h.fs.f[10], CANONICAL_D, NV);
        h.fs.f[1] = bits(1.0); // not boxed: reads as the canonical (quiet) NaN
        h.run(opFp(FCVT_FF, D, RNE, 10, 1, 0));
        expect(h.fs.f[10], CANONICAL_D, 0);
    }
}
