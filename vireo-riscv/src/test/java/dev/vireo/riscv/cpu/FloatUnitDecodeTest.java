package dev.vireo.riscv.cpu;

import static dev.vireo.riscv.cpu.FpuHarness.*;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Decoding (illegal encodings change nothing), NaN-boxing, moves, sign injection, FMIN/FMAX,
 * comparisons and FCLASS.
 */
class FloatUnitDecodeTest {
    private static final long CANONICAL_D = 0x7ff8000000000000L;
    private static final int CANONICAL_S = 0x7fc00000;
    private static final long SNAN_D = 0x7ff0000000000001L;
    private static final long QNAN_D = 0x7ff8000000000001L;

    private final FpuHarness h = new FpuHarness();

    private void assertIllegal(int insn) {
        for (int i = 0; i < 32; i++) {
            h.fs.f[i] = bits(i + 0.5);
            h.x[i] = i == 0 ? 0 : 100 + i;
        }
        long[] f = h.fs.f.clone();
        long[] x = h.x.clone();
        h.fs.fflags = 0;
        assertThat(FloatUnit.execute(insn, h.fs, h.x)).as("insn %08x is illegal", insn).isFalse();
        assertThat(h.fs.f).isEqualTo(f);
        assertThat(h.x).isEqualTo(x);
        assertThat(h.fs.fflags).isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {5, 6})
    void reservedRoundingModesAreIllegal(int rm) {
        assertIllegal(opFp(FADD, D, rm, 10, 1, 2));
        assertIllegal(opFp(FDIV, S, rm, 10, 1, 2));
        assertIllegal(opFp(FSQRT, D, rm, 10, 1, 0));
        assertIllegal(opFp(FCVT_INT, D, rm, 10, 1, 0));
        assertIllegal(opFp(FCVT_FROM_INT, D, rm, 10, 1, 0));
        assertIllegal(opFp(FCVT_FF, D, rm, 10, 1, 0));
        assertIllegal(r4(FMADD, D, rm, 10, 1, 2, 3));
    }

    @ParameterizedTest
    @ValueSource(ints = {5, 6, 7})
    void dynamicRoundingWithReservedFrmIsIllegal(int frm) {
        h.fs.frm = frm;
        assertIllegal(opFp(FMUL, D, DYN, 10, 1, 2));
        assertIllegal(r4(FNMADD, S, DYN, 10, 1, 2, 3));
        assertIllegal(opFp(FCVT_INT, S, DYN, 10, 1, 2));
    }

    @Test
    void unknownEncodingsAreIllegal() {
        assertIllegal(opFp(FADD, 2, RNE, 10, 1, 2)); // half precision
        assertIllegal(opFp(FADD, 3, RNE, 10, 1, 2)); // quad precision
        assertIllegal(r4(FMADD, 2, RNE, 10, 1, 2, 3));
        assertIllegal(opFp(0b00110, D, RNE, 10, 1, 2));
        assertIllegal(opFp(0b11111, D, RNE, 10, 1, 2));
        assertIllegal(opFp(FSQRT, D, RNE, 10, 1, 1));
        assertIllegal(opFp(FSGNJ, D, 3, 10, 1, 2));
        assertIllegal(opFp(FMINMAX, D, 2, 10, 1, 2));
        assertIllegal(opFp(FCMP, D, 3, 10, 1, 2));
        assertIllegal(opFp(FCVT_INT, D, RNE, 10, 1, 4));
        assertIllegal(opFp(FCVT_FROM_INT, S, RNE, 10, 1, 5));
        assertIllegal(opFp(FCVT_FF, S, RNE, 10, 1, 0)); // fcvt.s.s
        assertIllegal(opFp(FCVT_FF, D, RNE, 10, 1, 1)); // fcvt.d.d
        assertIllegal(opFp(FMV_X_CLASS, D, 2, 10, 1, 0));
        assertIllegal(opFp(FMV_X_CLASS, D, 0, 10, 1, 1));
        assertIllegal(opFp(FMV_FROM_X, D, 1, 10, 1, 0));
        assertIllegal(0x00000013); // addi
    }

    @Test
    void integerResultsNeverWriteX0() {
        h.fs.f[1] = bits(1.0);
        h.run(opFp(FCMP, D, 2, 0, 1, 1));
        h.run(opFp(FCVT_INT, D, RNE, 0, 1, 2));
        h.run(opFp(FMV_X_CLASS, D, 1, 0, 1, 0));
        h.run(opFp(FMV_X_CLASS, D, 0, 0, 1, 0));
        assertThat(h.x[0]).isZero();
    }

    @Test
    void improperlyBoxedSinglesReadAsCanonicalNaN() {
        h.fs.f[1] = 0x00000000_3f800000L; // 1.0f without the box
        h.fs.f[2] = box(1.0f);
        h.run(opFp(FADD, S, RNE, 10, 1, 2));
        assertThat(h.fs.f[10]).isEqualTo(boxBits(CANONICAL_S));
        assertThat(h.fs.fflags).as("the canonical NaN is quiet").isZero();
        h.fs.f[1] = 0xfffffffe_3f800000L;
        h.run(opFp(FMINMAX, S, 0, 10, 1, 2));
        assertThat(h.fs.f[10]).isEqualTo(box(1.0f));
        h.run(opFp(FMV_X_CLASS, S, 1, 10, 1, 0));
        assertThat(h.x[10]).isEqualTo(1 << 9);
    }

    @Test
    void movesKeepBitsSignExtendAndBox() {
        h.fs.f[1] = box(-1.0f);
        h.run(opFp(FMV_X_CLASS, S, 0, 10, 1, 0));
        assertThat(h.x[10]).isEqualTo(0xffffffff_bf800000L);
        h.fs.f[1] = 0x12345678_3f800000L; // fmv.x.w ignores the upper half
        h.run(opFp(FMV_X_CLASS, S, 0, 10, 1, 0));
        assertThat(h.x[10]).isEqualTo(0x3f800000L);
        h.x[1] = 0x12345678_7f800001L;
        h.run(opFp(FMV_FROM_X, S, 0, 10, 1, 0));
        assertThat(h.fs.f[10]).as("NaN payload kept, boxed").isEqualTo(0xffffffff_7f800001L);
        h.x[1] = SNAN_D;
        h.run(opFp(FMV_FROM_X, D, 0, 10, 1, 0));
        assertThat(h.fs.f[10]).isEqualTo(SNAN_D);
        h.run(opFp(FMV_X_CLASS, D, 0, 11, 10, 0));
        assertThat(h.x[11]).isEqualTo(SNAN_D);
        assertThat(h.fs.fflags).isZero();
    }

    @Test
    void signInjectionCopiesBitsWithoutCanonicalizing() {
        h.fs.f[1] = QNAN_D;
        h.fs.f[2] = bits(-2.0);
        h.run(opFp(FSGNJ, D, 0, 10, 1, 2));
        assertThat(h.fs.f[10]).isEqualTo(QNAN_D | Long.MIN_VALUE);
        h.run(opFp(FSGNJ, D, 1, 10, 1, 2));
        assertThat(h.fs.f[10]).isEqualTo(QNAN_D);
        h.fs.f[1] = bits(-3.0);
        h.run(opFp(FSGNJ, D, 2, 10, 1, 2));
        assertThat(h.fs.f[10]).isEqualTo(bits(3.0));
        h.fs.f[1] = box(-3.0f);
        h.fs.f[2] = box(5.0f);
        h.run(opFp(FSGNJ, S, 0, 10, 1, 2));
        assertThat(h.fs.f[10]).isEqualTo(box(3.0f));
        h.run(opFp(FSGNJ, S, 1, 10, 1, 2));
        assertThat(h.fs.f[10]).isEqualTo(box(-3.0f));
        h.run(opFp(FSGNJ, S, 2, 10, 1, 1)); // fabs via fsgnjx rs, rs, rs
        assertThat(h.fs.f[10]).isEqualTo(box(3.0f));
        h.fs.f[2] = bits(-1.0); // unboxed: canonical NaN, positive sign
        h.run(opFp(FSGNJ, S, 0, 10, 1, 2));
        assertThat(h.fs.f[10]).isEqualTo(box(3.0f));
        assertThat(h.fs.fflags).isZero();
    }

    @Test
    void minMaxOrderSignedZerosAndPreferNumbersOverNaNs() {
        assertThat(h.d(FMINMAX, 0, -0.0, 0.0)).isEqualTo(bits(-0.0));
        assertThat(h.d(FMINMAX, 0, 0.0, -0.0)).isEqualTo(bits(-0.0));
        assertThat(h.d(FMINMAX, 1, -0.0, 0.0)).isEqualTo(bits(0.0));
        assertThat(h.d(FMINMAX, 1, 0.0, -0.0)).isEqualTo(bits(0.0));
        assertThat(h.d(FMINMAX, 0, -1.0, 2.0)).isEqualTo(bits(-1.0));
        assertThat(h.d(FMINMAX, 1, -1.0, 2.0)).isEqualTo(bits(2.0));
        assertThat(h.s(FMINMAX, 0, 0.0f, -0.0f)).isEqualTo(Float.floatToRawIntBits(-0.0f));
        assertThat(h.s(FMINMAX, 1, -0.0f, 0.0f)).isEqualTo(Float.floatToRawIntBits(0.0f));
        assertThat(h.fs.fflags).isZero();
        assertThat(h.dBits(FMINMAX, 0, QNAN_D, bits(1.0))).isEqualTo(bits(1.0));
        assertThat(h.flagsAndClear()).isZero();
        assertThat(h.dBits(FMINMAX, 1, bits(1.0), SNAN_D)).isEqualTo(bits(1.0));
        assertThat(h.flagsAndClear()).isEqualTo(NV);
        assertThat(h.dBits(FMINMAX, 0, QNAN_D, QNAN_D)).isEqualTo(CANONICAL_D);
        assertThat(h.flagsAndClear()).isZero();
        assertThat(h.dBits(FMINMAX, 1, SNAN_D, QNAN_D)).isEqualTo(CANONICAL_D);
        assertThat(h.flagsAndClear()).isEqualTo(NV);
        assertThat(h.sBits(FMINMAX, 1, 0x7f800001, Float.floatToRawIntBits(-5f))).isEqualTo(Float.floatToRawIntBits(-5f));
        assertThat(h.flagsAndClear()).isEqualTo(NV);
    }

    private long compare(int fmt, int funct3, long a, long b) {
        h.fs.f[1] = a;
        h.fs.f[2] = b;
        h.run(opFp(FCMP, fmt, funct3, 10, 1, 2));
        return h.x[10];
    }

    @Test
    void comparisonsSignalPerQuietOrSignalingPredicate() {
        int feq = 2, flt = 1, fle = 0;
        assertThat(compare(D, feq, bits(-0.0), bits(0.0))).isEqualTo(1);
        assertThat(compare(D, flt, bits(-0.0), bits(0.0))).isEqualTo(0);
        assertThat(compare(D, fle, bits(-0.0), bits(0.0))).isEqualTo(1);
        assertThat(compare(D, flt, bits(-1.0), bits(0.0))).isEqualTo(1);
        assertThat(h.flagsAndClear()).isZero();
        assertThat(compare(D, feq, QNAN_D, QNAN_D)).isEqualTo(0);
        assertThat(h.flagsAndClear()).as("feq is quiet").isZero();
        assertThat(compare(D, feq, bits(1.0), SNAN_D)).isEqualTo(0);
        assertThat(h.flagsAndClear()).isEqualTo(NV);
        assertThat(compare(D, flt, QNAN_D, bits(1.0))).isEqualTo(0);
        assertThat(h.flagsAndClear()).isEqualTo(NV);
        assertThat(compare(D, fle, bits(1.0), QNAN_D)).isEqualTo(0);
        assertThat(h.flagsAndClear()).isEqualTo(NV);
        assertThat(compare(S, flt, box(1.0f), box(2.0f))).isEqualTo(1);
        assertThat(compare(S, feq, box(2.0f), box(2.0f))).isEqualTo(1);
        assertThat(compare(S, feq, bits(2.0), box(2.0f))).as("unboxed reads as NaN").isEqualTo(0);
        assertThat(h.flagsAndClear()).isZero();
        assertThat(compare(S, fle, boxBits(0x7f800001), box(2.0f))).isEqualTo(0);
        assertThat(h.flagsAndClear()).isEqualTo(NV);
    }

    private long classify(int fmt, long value) {
        h.fs.f[1] = value;
        h.run(opFp(FMV_X_CLASS, fmt, 1, 10, 1, 0));
        return h.x[10];
    }

    @Test
    void classifiesAllTenClasses() {
        assertThat(classify(D, bits(Double.NEGATIVE_INFINITY))).isEqualTo(1);
        assertThat(classify(D, bits(-1.0))).isEqualTo(1 << 1);
        assertThat(classify(D, bits(-Double.MIN_VALUE))).isEqualTo(1 << 2);
        assertThat(classify(D, bits(-0.0))).isEqualTo(1 << 3);
        assertThat(classify(D, bits(0.0))).isEqualTo(1 << 4);
        assertThat(classify(D, bits(Double.MIN_VALUE))).isEqualTo(1 << 5);
        assertThat(classify(D, bits(Double.MIN_NORMAL))).isEqualTo(1 << 6);
        assertThat(classify(D, bits(Double.POSITIVE_INFINITY))).isEqualTo(1 << 7);
        assertThat(classify(D, SNAN_D)).isEqualTo(1 << 8);
        assertThat(classify(D, QNAN_D | Long.MIN_VALUE)).isEqualTo(1 << 9);
        assertThat(classify(S, box(Float.NEGATIVE_INFINITY))).isEqualTo(1);
        assertThat(classify(S, box(-Float.MAX_VALUE))).isEqualTo(1 << 1);
        assertThat(classify(S, box(-Float.MIN_VALUE))).isEqualTo(1 << 2);
        assertThat(classify(S, box(-0.0f))).isEqualTo(1 << 3);
        assertThat(classify(S, box(0.0f))).isEqualTo(1 << 4);
        assertThat(classify(S, boxBits(0x007fffff))).isEqualTo(1 << 5);
        assertThat(classify(S, box(Float.MIN_NORMAL))).isEqualTo(1 << 6);
        assertThat(classify(S, box(Float.POSITIVE_INFINITY))).isEqualTo(1 << 7);
        assertThat(classify(S, boxBits(0x7fbfffff))).isEqualTo(1 << 8);
        assertThat(classify(S, boxBits(0xffc00000))).isEqualTo(1 << 9);
        assertThat(h.fs.fflags).isZero();
    }
}
