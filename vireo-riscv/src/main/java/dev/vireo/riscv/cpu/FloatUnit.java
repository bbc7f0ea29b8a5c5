package dev.vireo.riscv.cpu;

import dev.vireo.riscv.cpu.fpu.Comparisons;
import dev.vireo.riscv.cpu.fpu.Conversions;
import dev.vireo.riscv.cpu.fpu.DoubleArithmetic;
import dev.vireo.riscv.cpu.fpu.Format;
import dev.vireo.riscv.cpu.fpu.Rounding;
import dev.vireo.riscv.cpu.fpu.SingleArithmetic;

/**
 * Executes the computational F and D instructions (RISC-V unprivileged ch. 11-12): major
 * opcodes OP-FP 0x53, FMADD 0x43, FMSUB 0x47, FNMSUB 0x4B, FNMADD 0x4F. Loads and stores
 * (FLW/FLD/FSW/FSD and their compressed forms) and the mstatus.FS check/dirty marking are the
 * hart's job.
 *
 * <p>This class decodes and moves operands; the arithmetic lives in {@code
 * dev.vireo.riscv.cpu.fpu}. Single-precision operands are unboxed here (an improperly boxed
 * register reads as the canonical NaN, §12.2) and single results are written boxed.
 *
 * <p>API CONTRACT shared by the CPU and the FPU. Called on the hart's thread only.
 */
public final class FloatUnit {
    private static final long BOX = 0xffffffff00000000L;
    private static final int FMT_SINGLE = 0, FMT_DOUBLE = 1;

    private FloatUnit() {}

    /**
     * Executes {@code insn}. Reads and writes {@code fs.f}, accrues {@code fs.fflags}, reads
     * {@code fs.frm} for dynamic rounding, reads/writes integer registers in {@code x} (never
     * writes x[0]).
     *
     * @return true if executed; false if the encoding is illegal (unknown funct, reserved
     *     rounding mode 5/6, or dynamic rounding with frm ≥ 5), in which case nothing changed
     */
    public static boolean execute(int insn, FpuState fs, long[] x) {
        int opcode = insn & 0x7f;
        int fmt = (insn >>> 25) & 3;
        if (fmt > FMT_DOUBLE) {
            return false; // H and Q are not implemented
        }
        return switch (opcode) {
            case 0x43, 0x47, 0x4b, 0x4f -> fusedMultiplyAdd(insn, opcode, fmt, fs);
            case 0x53 -> opFp(insn, fmt, fs, x);
            default -> false;
        };
    }

    /** The effective rounding mode, or -1 if reserved. */
    private static int roundingMode(int insn, FpuState fs) {
        int rm = (insn >>> 12) & 7;
        if (rm == Rounding.DYNAMIC) {
            rm = fs.frm;
        }
        return rm >= 0 && rm <= Rounding.RMM ? rm : -1;
    }

    static int unbox(long register) {
        return (register & BOX) == BOX ? (int) register : 0x7fc00000;
    }

    static long box(int single) {
        return BOX | (single & 0xffffffffL);
    }

    private static boolean fusedMultiplyAdd(int insn, int opcode, int fmt, FpuState fs) {
        int rm = roundingMode(insn, fs);
        if (rm < 0) {
            return false;
        }
        int rd = (insn >>> 7) & 31;
        long a = fs.f[(insn >>> 15) & 31];
        long b = fs.f[(insn >>> 20) & 31];
        long c = fs.f[insn >>> 27];
        boolean negateProduct = opcode == 0x4b || opcode == 0x4f; // FNMSUB, FNMADD
        boolean negateAddend = opcode == 0x47 || opcode == 0x4f; // FMSUB, FNMADD
        if (fmt == FMT_SINGLE) {
            int sa = unbox(a);
            int sc = unbox(c);
            if (negateProduct) {
                sa ^= 0x80000000;
            }
            if (negateAddend) {
                sc ^= 0x80000000;
            }
            fs.f[rd] = box(SingleArithmetic.fma(sa, unbox(b), sc, rm, fs));
        } else {
            if (negateProduct) {
                a ^= Long.MIN_VALUE;
            }
            if (negateAddend) {
                c ^= Long.MIN_VALUE;
            }
            fs.f[rd] = DoubleArithmetic.fma(a, b, c, rm, fs);
        }
        return true;
    }

    private static boolean opFp(int insn, int fmt, FpuState fs, long[] x) {
        int rd = (insn >>> 7) & 31;
        int funct3 = (insn >>> 12) & 7;
        int rs1 = (insn >>> 15) & 31;
        int rs2 = (insn >>> 20) & 31;
        int funct5 = insn >>> 27;
        boolean single = fmt == FMT_SINGLE;
        long a = fs.f[rs1];
        long b = fs.f[rs2];
        switch (funct5) {
            case 0b00000, 0b00001, 0b00010, 0b00011 -> { // FADD FSUB FMUL FDIV
                int rm = roundingMode(insn, fs);
                if (rm < 0) {
                    return false;
                }
                fs.f[rd] = single ? box(singleArithmetic(funct5, unbox(a), unbox(b), rm, fs))
                        : doubleArithmetic(funct5, a, b, rm, fs);
            }
            case 0b01011 -> { // FSQRT
                int rm = roundingMode(insn, fs);
                if (rm < 0 || rs2 != 0) {
                    return false;
                }
                fs.f[rd] = single ? box(SingleArithmetic.sqrt(unbox(a), rm, fs)) : DoubleArithmetic.sqrt(a, rm, fs);
            }
            case 0b00100 -> { // FSGNJ FSGNJN FSGNJX
                if (funct3 > 2) {
                    return false;
                }
                fs.f[rd] = single ? box((int) signInjection(unbox(a), unbox(b), 1L << 31, funct3))
                        : signInjection(a, b, Long.MIN_VALUE, funct3);
            }
            case 0b00101 -> { // FMIN FMAX
                if (funct3 > 1) {
                    return false;
                }
                boolean max = funct3 == 1;
                fs.f[rd] = single ? box(Comparisons.minMaxSingle(unbox(a), unbox(b), max, fs))
                        : Comparisons.minMaxDouble(a, b, max, fs);
            }
            case 0b01000 -> { // FCVT.S.D (fmt S, rs2 1), FCVT.D.S (fmt D, rs2 0)
                int rm = roundingMode(insn, fs);
                if (rm < 0 || rs2 != (single ? 1 : 0)) {
                    return false;
                }
                fs.f[rd] = single ? box(Conversions.doubleToSingle(a, rm, fs))
                        : Conversions.singleToDouble(unbox(a), fs);
            }
            case 0b10100 -> { // FLE FLT FEQ
                if (funct3 > 2) {
                    return false;
                }
                long result;
                if (single) {
                    int sa = unbox(a);
                    int sb = unbox(b);
                    result = Comparisons.compare(Float.intBitsToFloat(sa), Float.intBitsToFloat(sb),
                            isNaNSingle(sa) || isNaNSingle(sb),
                            isSignalingSingle(sa) || isSignalingSingle(sb), funct3, fs);
                } else {
                    result = Comparisons.compare(Double.longBitsToDouble(a), Double.longBitsToDouble(b),
                            isNaNDouble(a) || isNaNDouble(b), isSignalingDouble(a) || isSignalingDouble(b), funct3, fs);
                }
                writeInteger(x, rd, result);
            }
            case 0b11000 -> { // FCVT.{W,WU,L,LU}.fmt
                int rm = roundingMode(insn, fs);
                if (rm < 0 || rs2 > Conversions.LU) {
                    return false;
                }
                double v;
                boolean nan;
                if (single) {
                    int sa = unbox(a);
                    v = Float.intBitsToFloat(sa);
                    nan = isNaNSingle(sa);
                } else {
                    v = Double.longBitsToDouble(a);
                    nan = isNaNDouble(a);
                }
                writeInteger(x, rd, Conversions.toInteger(v, nan, rs2, rm, fs));
            }
            case 0b11010 -> { // FCVT.fmt.{W,WU,L,LU}
                int rm = roundingMode(insn, fs);
                if (rm < 0 || rs2 > Conversions.LU) {
                    return false;
                }
                long bits = Conversions.fromInteger(x[rs1], rs2, single ? Format.SINGLE : Format.DOUBLE, rm, fs);
                fs.f[rd] = single ? box((int) bits) : bits;
            }
            case 0b11100 -> { // FMV.X.fmt (funct3 0), FCLASS (funct3 1)
                if (rs2 != 0 || funct3 > 1) {
                    return false;
                }
                long result;
                if (funct3 == 0) {
                    result = single ? (long) (int) a : a;
                } else {
                    result = single ? Comparisons.classifySingle(unbox(a)) : Comparisons.classifyDouble(a);
                }
                writeInteger(x, rd, result);
            }
            case 0b11110 -> { // FMV.fmt.X
                if (rs2 != 0 || funct3 != 0) {
                    return false;
                }
                fs.f[rd] = single ? box((int) x[rs1]) : x[rs1];
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private static int singleArithmetic(int funct5, int a, int b, int rm, FpuState fs) {
        return switch (funct5) {
            case 0b00000 -> SingleArithmetic.add(a, b, rm, fs);
            case 0b00001 -> SingleArithmetic.add(a, b ^ 0x80000000, rm, fs);
            case 0b00010 -> SingleArithmetic.mul(a, b, rm, fs);
            default -> SingleArithmetic.div(a, b, rm, fs);
        };
    }

    private static long doubleArithmetic(int funct5, long a, long b, int rm, FpuState fs) {
        return switch (funct5) {
            case 0b00000 -> DoubleArithmetic.add(a, b, rm, fs);
            case 0b00001 -> DoubleArithmetic.add(a, b ^ Long.MIN_VALUE, rm, fs);
            case 0b00010 -> DoubleArithmetic.mul(a, b, rm, fs);
            default -> DoubleArithmetic.div(a, b, rm, fs);
        };
    }

    /** FSGNJ (funct3 0), FSGNJN (1), FSGNJX (2): a's magnitude with a sign made from b's. */
    private static long signInjection(long a, long b, long signBit, int funct3) {
        long sign = switch (funct3) {
            case 0 -> b & signBit;
            case 1 -> ~b & signBit;
            default -> (a ^ b) & signBit;
        };
        return (a & ~signBit & (signBit | (signBit - 1))) | sign;
    }

    private static void writeInteger(long[] x, int rd, long value) {
        if (rd != 0) {
            x[rd] = value;
        }
    }

    private static boolean isNaNSingle(int bits) {
        return (bits & 0x7fffffff) > 0x7f800000;
    }

    private static boolean isSignalingSingle(int bits) {
        return isNaNSingle(bits) && (bits & (1 << 22)) == 0;
    }

    private static boolean isNaNDouble(long bits) {
        return (bits & 0x7fffffffffffffffL) > 0x7ff0000000000000L;
    }

    private static boolean isSignalingDouble(long bits) {
        return isNaNDouble(bits) && (bits & (1L << 51)) == 0;
    }
}
