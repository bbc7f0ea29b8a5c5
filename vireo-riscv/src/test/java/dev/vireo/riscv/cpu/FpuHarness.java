package dev.vireo.riscv.cpu;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Builds F/D instruction words and runs them on a fresh {@link FpuState}. Operands go in f1, f2,
 * f3 (or x1 for integer sources); the result lands in f10 or x10.
 */
final class FpuHarness {
    static final int S = 0, D = 1;
    static final int RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4, DYN = 7;
    static final int NV = 16, DZ = 8, OF = 4, UF = 2, NX = 1;

    static final int FADD = 0b00000, FSUB = 0b00001, FMUL = 0b00010, FDIV = 0b00011, FSQRT = 0b01011,
            FSGNJ = 0b00100, FMINMAX = 0b00101, FCVT_FF = 0b01000, FCMP = 0b10100, FCVT_INT = 0b11000,
            FCVT_FROM_INT = 0b11010, FMV_X_CLASS = 0b11100, FMV_FROM_X = 0b11110;
    static final int FMADD = 0x43, FMSUB = 0x47, FNMSUB = 0x4b, FNMADD = 0x4f;

    final FpuState fs = new FpuState();
    final long[] x = new long[32];

    static int opFp(int funct5, int fmt, int rm, int rd, int rs1, int rs2) {
        return funct5 << 27 | fmt << 25 | rs2 << 20 | rs1 << 15 | rm << 12 | rd << 7 | 0x53;
    }

    static int r4(int opcode, int fmt, int rm, int rd, int rs1, int rs2, int rs3) {
        return rs3 << 27 | fmt << 25 | rs2 << 20 | rs1 << 15 | rm << 12 | rd << 7 | opcode;
    }

    static long box(float f) {
        return 0xffffffff00000000L | (Float.floatToRawIntBits(f) & 0xffffffffL);
    }

    static long boxBits(int bits) {
        return 0xffffffff00000000L | (bits & 0xffffffffL);
    }

    static long bits(double d) {
        return Double.doubleToRawLongBits(d);
    }

    void run(int insn) {
        assertThat(FloatUnit.execute(insn, fs, x)).as("instruction %08x executes", insn).isTrue();
    }

    /** Runs a two-operand double op (rs2 unused ops ignore f2) and returns f10. */
    long d(int funct5, int rm, double a, double b) {
        return dBits(funct5, rm, bits(a), bits(b));
    }

    long dBits(int funct5, int rm, long a, long b) {
        fs.f[1] = a;
        fs.f[2] = b;
        run(opFp(funct5, D, rm, 10, 1, funct5 == FSQRT ? 0 : 2));
        return fs.f[10];
    }

    double dv(int funct5, int rm, double a, double b) {
        return Double.longBitsToDouble(d(funct5, rm, a, b));
    }

    /** Runs a two-operand single op and returns the unboxed bits of f10, checking the box. */
    int s(int funct5, int rm, float a, float b) {
        return sBits(funct5, rm, Float.floatToRawIntBits(a), Float.floatToRawIntBits(b));
    }

    int sBits(int funct5, int rm, int a, int b) {
        fs.f[1] = boxBits(a);
        fs.f[2] = boxBits(b);
        run(opFp(funct5, S, rm, 10, 1, funct5 == FSQRT ? 0 : 2));
        assertThat(fs.f[10] >>> 32).as("single result is NaN-boxed").isEqualTo(0xffffffffL);
        return (int) fs.f[10];
    }

    float sv(int funct5, int rm, float a, float b) {
        return Float.intBitsToFloat(s(funct5, rm, a, b));
    }

    long fmaD(int opcode, int rm, double a, double b, double c) {
        fs.f[1] = bits(a);
        fs.f[2] = bits(b);
        fs.f[3] = bits(c);
        run(r4(opcode, D, rm, 10, 1, 2, 3));
        return fs.f[10];
    }

    int fmaS(int opcode, int rm, float a, float b, float c) {
        fs.f[1] = box(a);
        fs.f[2] = box(b);
        fs.f[3] = box(c);
        run(r4(opcode, S, rm, 10, 1, 2, 3));
        assertThat(fs.f[10] >>> 32).isEqualTo(0xffffffffL);
        return (int) fs.f[10];
    }

    /** FCVT.{W,WU,L,LU}.fmt of f1 into x10. */
    long toInt(int fmt, int kind, int rm, long f1) {
        fs.f[1] = f1;
        run(opFp(FCVT_INT, fmt, rm, 10, 1, kind));
        return x[10];
    }

    /** FCVT.fmt.{W,WU,L,LU} of x1 into f10. */
    long fromInt(int fmt, int kind, int rm, long x1) {
        x[1] = x1;
        run(opFp(FCVT_FROM_INT, fmt, rm, 10, 1, kind));
        return fs.f[10];
    }

    int flagsAndClear() {
        int flags = fs.fflags;
        fs.fflags = 0;
        return flags;
    }
}
