package dev.vireo.riscv.cpu;

import static dev.vireo.riscv.cpu.FpuHarness.*;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Rounding-mode edge cases and the five exception flags of the arithmetic instructions. */
class FloatFlagsTest {
    private static final long CANONICAL_D = 0x7ff8000000000000L;
    private static final int CANONICAL_S = 0x7fc00000;
    private static final long SNAN_D = 0x7ff0000000000001L;
    private static final long QNAN_PAYLOAD_D = 0x7ff8000000001234L;
    private static final int SNAN_S = 0x7f800001;
    private static final double MIN_NORMAL = Double.MIN_NORMAL;

    private final FpuHarness h = new FpuHarness();

    private void expectD(long actual, double expected, int flags) {
        assertThat(actual).as("result %s", Double.longBitsToDouble(actual)).isEqualTo(bits(expected));
        assertThat(h.flagsAndClear()).as("flags").isEqualTo(flags);
    }

    private void expectS(int actual, float expected, int flags) {
        assertThat(actual).as("result %s", Float.intBitsToFloat(actual)).isEqualTo(Float.floatToRawIntBits(expected));
        assertThat(h.flagsAndClear()).as("flags").isEqualTo(flags);
    }

    @ParameterizedTest(name = "rm {0}")
    @CsvSource({"0, 0, 0", "1, 0, 0", "2, 0, 1", "3, 1, 0", "4, 1, 1"})
    void tiesRoundPerMode(int rm, int positiveUp, int negativeAway) {
        double one = 1.0, up = Math.nextUp(1.0);
        expectD(h.d(FADD, rm, 1.0, 0x1p-53), positiveUp == 1 ? up : one, NX);
        expectD(h.d(FADD, rm, -1.0, -0x1p-53), negativeAway == 1 ? -up : -one, NX);
        expectS(h.s(FADD, rm, 1.0f, 0x1p-24f), positiveUp == 1 ? Math.nextUp(1.0f) : 1.0f, NX);
        expectS(h.s(FADD, rm, -1.0f, -0x1p-24f), negativeAway == 1 ? -Math.nextUp(1.0f) : -1.0f, NX);
        // Through dynamic rounding too.
        h.fs.frm = rm;
        expectD(h.d(FADD, DYN, 1.0, 0x1p-53), positiveUp == 1 ? up : one, NX);
    }

    @Test
    void nearestEvenBreaksTiesTowardEvenSignificand() {
        double odd = Math.nextUp(1.0);
        expectD(h.d(FADD, RNE, odd, 0x1p-53), Math.nextUp(odd), NX);
        expectD(h.d(FADD, RMM, odd, 0x1p-53), Math.nextUp(odd), NX);
        expectD(h.d(FADD, RNE, 3.0, 0), 3.0, 0);
    }

    @ParameterizedTest(name = "rm {0}")
    @CsvSource({"0, true, true", "1, false, false", "2, false, true", "3, true, false", "4, true, true"})
    void overflowGivesInfinityOrLargestFinitePerMode(int rm, boolean positiveInfinite, boolean negativeInfinite) {
        expectD(h.d(FMUL, rm, Double.MAX_VALUE, 2), positiveInfinite ? Double.POSITIVE_INFINITY : Double.MAX_VALUE, OF | NX);
        expectD(h.d(FMUL, rm, -Double.MAX_VALUE, 2), negativeInfinite ? Double.NEGATIVE_INFINITY : -Double.MAX_VALUE, OF | NX);
        expectS(h.s(FMUL, rm, Float.MAX_VALUE, 2), positiveInfinite ? Float.POSITIVE_INFINITY : Float.MAX_VALUE, OF | NX);
        expectS(h.s(FMUL, rm, -Float.MAX_VALUE, 2), negativeInfinite ? Float.NEGATIVE_INFINITY : -Float.MAX_VALUE, OF | NX);
        expectD(h.d(FADD, rm, Double.MAX_VALUE, Double.MAX_VALUE), positiveInfinite ? Double.POSITIVE_INFINITY : Double.MAX_VALUE, OF | NX);
        expectD(h.d(FDIV, rm, -Double.MAX_VALUE, 0.5), negativeInfinite ? Double.NEGATIVE_INFINITY : -Double.MAX_VALUE, OF | NX);
        expectD(h.fmaD(FMADD, rm, Double.MAX_VALUE, 1.5, 0), positiveInfinite ? Double.POSITIVE_INFINITY : Double.MAX_VALUE, OF | NX);
        expectS(h.fmaS(FMADD, rm, Float.MAX_VALUE, 1.5f, 0), positiveInfinite ? Float.POSITIVE_INFINITY : Float.MAX_VALUE, OF | NX);
    }

    @Test
    void overflowIsDecidedAfterRounding() {
        double halfUlpOfMax = 0x1p970;
        expectD(h.d(FADD, RNE, Double.MAX_VALUE, halfUlpOfMax), Double.POSITIVE_INFINITY, OF | NX);
        expectD(h.d(FADD, RTZ, Double.MAX_VALUE, halfUlpOfMax), Double.MAX_VALUE, NX);
        expectD(h.d(FADD, RDN, Double.MAX_VALUE, halfUlpOfMax), Double.MAX_VALUE, NX);
        expectD(h.d(FADD, RUP, Double.MAX_VALUE, 0x1p900), Double.POSITIVE_INFINITY, OF | NX);
        expectD(h.d(FADD, RNE, Double.MAX_VALUE, 0x1p969), Double.MAX_VALUE, NX);
        expectS(h.s(FADD, RNE, Float.MAX_VALUE, 0x1p103f), Float.POSITIVE_INFINITY, OF | NX);
        expectS(h.s(FADD, RNE, Float.MAX_VALUE, 0x1p102f), Float.MAX_VALUE, NX);
    }

    @Test
    void underflowUsesTininessAfterRounding() {
        // (1 - 2^-53)·2^-1022 is tiny even after rounding to 53 bits; rounds up to MIN_NORMAL.
        expectD(h.d(FMUL, RNE, Math.nextDown(1.0), MIN_NORMAL), MIN_NORMAL, UF | NX);
        expectD(h.fmaD(FMADD, RNE, -0x1p-537, 0x1p-538, MIN_NORMAL), MIN_NORMAL, UF | NX);
        // (1 - 2^-54)·2^-1022 rounds to MIN_NORMAL with unbounded exponent: not tiny.
        expectD(h.fmaD(FMADD, RNE, -0x1p-538, 0x1p-538, MIN_NORMAL), MIN_NORMAL, NX);
        expectD(h.fmaD(FMADD, RUP, -0x1p-538, 0x1p-538, MIN_NORMAL), MIN_NORMAL, NX);
        expectD(h.fmaD(FMADD, RDN, -0x1p-538, 0x1p-538, MIN_NORMAL), Math.nextDown(MIN_NORMAL), UF | NX);
        expectD(h.d(FMUL, RMM, Math.nextDown(1.0), MIN_NORMAL), MIN_NORMAL, UF | NX);
        expectD(h.d(FMUL, RTZ, Math.nextDown(1.0), MIN_NORMAL), Math.nextDown(MIN_NORMAL), UF | NX);
        expectD(h.fmaD(FMADD, RMM, -0x1p-538, 0x1p-538, MIN_NORMAL), MIN_NORMAL, NX);
        expectD(h.fmaD(FNMSUB, RMM, 0x1p-538, 0x1p-538, -MIN_NORMAL), -MIN_NORMAL, NX);
        expectS(h.fmaS(FMADD, RMM, -0x1p-76f, 0x1p-75f, Float.MIN_NORMAL), Float.MIN_NORMAL, NX);
        expectS(h.fmaS(FMADD, RMM, -0x1p-75f, 0x1p-75f, Float.MIN_NORMAL), Float.MIN_NORMAL, UF | NX);
        expectS(h.s(FMUL, RNE, Math.nextDown(1.0f), Float.MIN_NORMAL), Float.MIN_NORMAL, UF | NX);
        expectS(h.fmaS(FMADD, RNE, -0x1p-75f, 0x1p-75f, Float.MIN_NORMAL), Float.MIN_NORMAL, UF | NX);
        expectS(h.fmaS(FMADD, RNE, -0x1p-76f, 0x1p-75f, Float.MIN_NORMAL), Float.MIN_NORMAL, NX);
    }

    @Test
    void exactSubnormalResultsDoNotSignalUnderflow() {
        expectD(h.d(FMUL, RNE, MIN_NORMAL, 0.5), MIN_NORMAL / 2, 0);
        expectD(h.d(FSUB, RNE, MIN_NORMAL, Double.MIN_VALUE), Math.nextDown(MIN_NORMAL), 0);
        expectS(h.s(FMUL, RNE, Float.MIN_NORMAL, 0.5f), Float.MIN_NORMAL / 2, 0);
        expectD(h.d(FDIV, RNE, Double.MIN_VALUE, 1.0), Double.MIN_VALUE, 0);
    }

    @Test
    void inexactSubnormalAndZeroResultsSignalUnderflow() {
        expectD(h.d(FMUL, RNE, Double.MIN_VALUE, 0.5), 0.0, UF | NX);
        expectD(h.d(FMUL, RUP, Double.MIN_VALUE, 0.5), Double.MIN_VALUE, UF | NX);
        expectD(h.d(FMUL, RNE, -Double.MIN_VALUE, 0.5), -0.0, UF | NX);
        expectD(h.d(FMUL, RMM, Double.MIN_VALUE, 0.5), Double.MIN_VALUE, UF | NX);
        expectD(h.d(FDIV, RNE, 3 * Double.MIN_VALUE, 2), 2 * Double.MIN_VALUE, UF | NX);
        expectD(h.d(FDIV, RTZ, 3 * Double.MIN_VALUE, 2), Double.MIN_VALUE, UF | NX);
        expectS(h.s(FMUL, RNE, Float.MIN_VALUE, 0.25f), 0.0f, UF | NX);
        expectS(h.s(FMUL, RUP, Float.MIN_VALUE, 0.25f), Float.MIN_VALUE, UF | NX);
        expectD(h.d(FSQRT, RNE, Double.MIN_VALUE, 0), 0x1p-537, 0);
        expectD(h.d(FSQRT, RNE, 2 * Double.MIN_VALUE, 0), Math.sqrt(2 * Double.MIN_VALUE), NX);
        // The nearest double to √2 lies above it.
        expectD(h.d(FSQRT, RUP, 2 * Double.MIN_VALUE, 0), Math.sqrt(2 * Double.MIN_VALUE), NX);
        expectD(h.d(FSQRT, RDN, 2 * Double.MIN_VALUE, 0), Math.nextDown(Math.sqrt(2 * Double.MIN_VALUE)), NX);
        expectD(h.d(FSQRT, RDN, 2.0, 0), Math.nextDown(Math.sqrt(2.0)), NX);
    }

    @Test
    void divideByZeroSignalsDzForFiniteNonZeroDividends() {
        expectD(h.d(FDIV, RNE, 1.0, 0.0), Double.POSITIVE_INFINITY, DZ);
        expectD(h.d(FDIV, RNE, -1.0, 0.0), Double.NEGATIVE_INFINITY, DZ);
        expectD(h.d(FDIV, RNE, 1.0, -0.0), Double.NEGATIVE_INFINITY, DZ);
        expectD(h.d(FDIV, RNE, Double.POSITIVE_INFINITY, 0.0), Double.POSITIVE_INFINITY, 0);
        expectS(h.s(FDIV, RNE, 2.0f, 0.0f), Float.POSITIVE_INFINITY, DZ);
        expectS(h.s(FDIV, RNE, -2.0f, 0.0f), Float.NEGATIVE_INFINITY, DZ);
        expectD(h.d(FDIV, RNE, 1.0, Double.POSITIVE_INFINITY), 0.0, 0);
    }

    @Test
    void invalidOperationsGiveCanonicalNaNAndNv() {
        assertThat(h.d(FADD, RNE, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)).isEqualTo(CANONICAL_D);
        assertThat(h.flagsAndClear()).isEqualTo(NV);
        assertThat(h.d(FSUB, RNE, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY)).isEqualTo(CANONICAL_D);
        assertThat(h.flagsAndClear()).isEqualTo(NV);
        assertThat(h.d(FMUL, RNE, 0.0, Double.NEGATIVE_INFINITY)).isEqualTo(CANONICAL_D);
        assertThat(h.flagsAndClear()).isEqualTo(NV);
        assertThat(h.d(FDIV, RNE, 0.0, -0.0)).isEqualTo(CANONICAL_D);
        assertThat(h.flagsAndClear()).isEqualTo(NV);
        assertThat(h.d(FDIV, RNE, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)).isEqualTo(CANONICAL_D);
        assertThat(h.flagsAndClear()).isEqualTo(NV);
        assertThat(h.d(FSQRT, RNE, -1.0, 0)).isEqualTo(CANONICAL_D);
        assertThat(h.flagsAndClear()).isEqualTo(NV);
        assertThat(h.d(FSQRT, RNE, Double.NEGATIVE_INFINITY, 0)).isEqualTo(CANONICAL_D);
        assertThat(h.flagsAndClear()).isEqualTo(NV);
        assertThat(h.s(FSQRT, RNE, -Float.MIN_VALUE, 0)).isEqualTo(CANONICAL_S);
        assertThat(h.flagsAndClear()).isEqualTo(NV);
        assertThat(h.s(FMUL, RNE, Float.POSITIVE_INFINITY, 0)).isEqualTo(CANONICAL_S);
        assertThat(h.flagsAndClear()).isEqualTo(NV);
        assertThat(h.fmaD(FMADD, RNE, Double.POSITIVE_INFINITY, 1, Double.NEGATIVE_INFINITY)).isEqualTo(CANONICAL_D);
        assertThat(h.flagsAndClear()).isEqualTo(NV);
        assertThat(h.fmaS(FMSUB, RNE, Float.POSITIVE_INFINITY, 1, Float.POSITIVE_INFINITY)).isEqualTo(CANONICAL_S);
        assertThat(h.flagsAndClear()).isEqualTo(NV);
    }

    @Test
    void zeroTimesInfinityPlusQuietNaNStillSignalsInvalid() {
        h.fs.f[1] = bits(0.0);
        h.fs.f[2] = bits(Double.POSITIVE_INFINITY);
        h.fs.f[3] = QNAN_PAYLOAD_D;
        h.run(r4(FMADD, D, RNE, 10, 1, 2, 3));
        assertThat(h.fs.f[10]).isEqualTo(CANONICAL_D);
        assertThat(h.flagsAndClear()).isEqualTo(NV);
        h.fs.f[3] = boxBits(CANONICAL_S);
        h.fs.f[1] = box(Float.POSITIVE_INFINITY);
        h.fs.f[2] = box(-0.0f);
        h.run(r4(FNMADD, S, RNE, 10, 1, 2, 3));
        assertThat(h.fs.f[10]).isEqualTo(boxBits(CANONICAL_S));
        assertThat(h.flagsAndClear()).isEqualTo(NV);
    }

    @Test
    void signalingNaNOperandsSignalInvalidQuietOnesDoNot() {
        for (int op : new int[] {FADD, FSUB, FMUL, FDIV}) {
            assertThat(h.dBits(op, RNE, SNAN_D, bits(1.0))).isEqualTo(CANONICAL_D);
            assertThat(h.flagsAndClear()).isEqualTo(NV);
            assertThat(h.dBits(op, RNE, bits(1.0), QNAN_PAYLOAD_D)).as("payload is not propagated").isEqualTo(CANONICAL_D);
            assertThat(h.flagsAndClear()).isZero();
            assertThat(h.sBits(op, RNE, SNAN_S, Float.floatToRawIntBits(1.0f))).isEqualTo(CANONICAL_S);
            assertThat(h.flagsAndClear()).isEqualTo(NV);
        }
        assertThat(h.dBits(FSQRT, RNE, SNAN_D, 0)).isEqualTo(CANONICAL_D);
        assertThat(h.flagsAndClear()).isEqualTo(NV);
        h.fs.f[1] = bits(1.0);
        h.fs.f[2] = bits(1.0);
        h.fs.f[3] = SNAN_D;
        h.run(r4(FMADD, D, RNE, 10, 1, 2, 3));
        assertThat(h.fs.f[10]).isEqualTo(CANONICAL_D);
        assertThat(h.flagsAndClear()).isEqualTo(NV);
    }

    @Test
    void exactZeroSumsArePositiveExceptWhenRoundingDown() {
        expectD(h.d(FADD, RNE, 1.0, -1.0), 0.0, 0);
        expectD(h.d(FADD, RDN, 1.0, -1.0), -0.0, 0);
        expectD(h.d(FSUB, RDN, 0.0, 0.0), -0.0, 0);
        expectD(h.d(FADD, RNE, -0.0, -0.0), -0.0, 0);
        expectD(h.d(FADD, RDN, 0.0, 0.0), 0.0, 0);
        expectD(h.d(FADD, RUP, 0.0, -0.0), 0.0, 0);
        expectS(h.s(FSUB, RDN, 2.5f, 2.5f), -0.0f, 0);
        expectS(h.s(FSUB, RTZ, 2.5f, 2.5f), 0.0f, 0);
        expectD(h.fmaD(FMADD, RDN, 1, 1, -1), -0.0, 0);
        expectD(h.fmaD(FMADD, RNE, 1, 1, -1), 0.0, 0);
        expectD(h.fmaD(FMADD, RNE, 0.0, 5, -0.0), 0.0, 0);
        expectD(h.fmaD(FMADD, RNE, -0.0, 5, -0.0), -0.0, 0);
        expectD(h.fmaD(FNMADD, RNE, 0.0, 1, 0.0), -0.0, 0);
        expectS(h.fmaS(FMADD, RDN, 3, 2, -6), -0.0f, 0);
        expectS(h.fmaS(FMADD, RNE, 0.0f, -1, 0.0f), 0.0f, 0);
        expectD(h.d(FSQRT, RNE, -0.0, 0), -0.0, 0);
    }

    @Test
    void fusedMultiplyAddRoundsOnce() {
        expectD(h.fmaD(FMADD, RNE, 1 + 0x1p-52, 1 - 0x1p-52, -1), -0x1p-104, 0);
        expectS(h.fmaS(FMADD, RNE, 1 + 0x1p-23f, 1 - 0x1p-23f, -1), -0x1p-46f, 0);
        expectD(h.fmaD(FMADD, RNE, 2, 3, 1), 7, 0);
        expectD(h.fmaD(FMSUB, RNE, 2, 3, 1), 5, 0);
        expectD(h.fmaD(FNMSUB, RNE, 2, 3, 1), -5, 0);
        expectD(h.fmaD(FNMADD, RNE, 2, 3, 1), -7, 0);
        expectS(h.fmaS(FNMSUB, RNE, 2, 3, 1), -5, 0);
        expectS(h.fmaS(FNMADD, RNE, 2, 3, 1), -7, 0);
        // (1 + 2^-52)^2 + 2^-53 = 1 + 2^-51 + 2^-53 + 2^-104: a separate multiply would lose
        // the 2^-104 and tie to the even 1 + 2^-51.
        expectD(h.fmaD(FMADD, RNE, 1 + 0x1p-52, 1 + 0x1p-52, 0x1p-53), 1 + 0x1p-51 + 0x1p-52, NX);
        expectD(h.fmaD(FMADD, RTZ, 1 + 0x1p-52, 1 + 0x1p-52, 0x1p-53), 1 + 0x1p-51, NX);
    }

    @Test
    void arithmeticOnInfinitiesIsExact() {
        expectD(h.d(FADD, RNE, Double.POSITIVE_INFINITY, 1e300), Double.POSITIVE_INFINITY, 0);
        expectD(h.d(FMUL, RTZ, Double.NEGATIVE_INFINITY, 2), Double.NEGATIVE_INFINITY, 0);
        expectD(h.d(FSQRT, RNE, Double.POSITIVE_INFINITY, 0), Double.POSITIVE_INFINITY, 0);
        expectD(h.fmaD(FMADD, RNE, 1e300, 1e300, Double.NEGATIVE_INFINITY), Double.NEGATIVE_INFINITY, 0);
        expectS(h.s(FSUB, RNE, 1, Float.POSITIVE_INFINITY), Float.NEGATIVE_INFINITY, 0);
        expectS(h.s(FADD, RNE, Float.POSITIVE_INFINITY, 1), Float.POSITIVE_INFINITY, 0);
        expectS(h.s(FADD, RTZ, 1, Float.POSITIVE_INFINITY), Float.POSITIVE_INFINITY, 0);
        expectS(h.s(FMUL, RDN, Float.POSITIVE_INFINITY, -3), Float.NEGATIVE_INFINITY, 0);
        expectS(h.s(FDIV, RUP, Float.POSITIVE_INFINITY, 3), Float.POSITIVE_INFINITY, 0);
        expectS(h.s(FSQRT, RUP, Float.POSITIVE_INFINITY, 0), Float.POSITIVE_INFINITY, 0);
        expectS(h.fmaS(FMADD, RTZ, 2, 3, Float.POSITIVE_INFINITY), Float.POSITIVE_INFINITY, 0);
        expectS(h.fmaS(FMADD, RTZ, Float.POSITIVE_INFINITY, 3, 1), Float.POSITIVE_INFINITY, 0);
        expectD(h.d(FADD, RTZ, Double.POSITIVE_INFINITY, 1), Double.POSITIVE_INFINITY, 0);
        expectD(h.d(FDIV, RTZ, Double.POSITIVE_INFINITY, 3), Double.POSITIVE_INFINITY, 0);
        expectD(h.fmaD(FMADD, RTZ, 2, 3, Double.POSITIVE_INFINITY), Double.POSITIVE_INFINITY, 0);
        expectD(h.fmaD(FNMSUB, RUP, Double.POSITIVE_INFINITY, 3, 1), Double.NEGATIVE_INFINITY, 0);
    }
}
