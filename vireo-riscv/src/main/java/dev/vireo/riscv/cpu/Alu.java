package dev.vireo.riscv.cpu;

import static dev.vireo.riscv.cpu.Op.*;

/**
 * The pure integer operations outside the interpreter's inlined cases: M (ch. 7, including the
 * division-by-zero and overflow results of table 7.1), Zba, Zbb, Zbs and Zicond.
 */
final class Alu {
    private Alu() {}

    static long compute(int op, long a, long b) {
        return switch (op) {
            case MUL -> a * b;
            case MULH -> Math.multiplyHigh(a, b);
            case MULHSU -> Math.unsignedMultiplyHigh(a, b) - (a < 0 ? b : 0);
            case MULHU -> Math.unsignedMultiplyHigh(a, b);
            case DIV -> b == 0 ? -1 : (a == Long.MIN_VALUE && b == -1) ? a : a / b;
            case DIVU -> b == 0 ? -1 : Long.divideUnsigned(a, b);
            case REM -> b == 0 ? a : (a == Long.MIN_VALUE && b == -1) ? 0 : a % b;
            case REMU -> b == 0 ? a : Long.remainderUnsigned(a, b);
            case MULW -> (int) a * (int) b;
            case DIVW -> { int x = (int) a, y = (int) b; yield y == 0 ? -1 : (x == Integer.MIN_VALUE && y == -1) ? x : x / y; }
            case DIVUW -> { int x = (int) a, y = (int) b; yield y == 0 ? -1 : Integer.divideUnsigned(x, y); }
            case REMW -> { int x = (int) a, y = (int) b; yield y == 0 ? x : (x == Integer.MIN_VALUE && y == -1) ? 0 : x % y; }
            case REMUW -> { int x = (int) a, y = (int) b; yield y == 0 ? x : Integer.remainderUnsigned(x, y); }
            case SH1ADD -> (a << 1) + b;
            case SH2ADD -> (a << 2) + b;
            case SH3ADD -> (a << 3) + b;
            case ADD_UW -> (a & 0xFFFFFFFFL) + b;
            case SH1ADD_UW -> ((a & 0xFFFFFFFFL) << 1) + b;
            case SH2ADD_UW -> ((a & 0xFFFFFFFFL) << 2) + b;
            case SH3ADD_UW -> ((a & 0xFFFFFFFFL) << 3) + b;
            case SLLI_UW -> (a & 0xFFFFFFFFL) << b;
            case ANDN -> a & ~b;
            case ORN -> a | ~b;
            case XNOR -> ~(a ^ b);
            case CLZ -> Long.numberOfLeadingZeros(a);
            case CTZ -> Long.numberOfTrailingZeros(a);
            case CPOP -> Long.bitCount(a);
            case CLZW -> Integer.numberOfLeadingZeros((int) a);
            case CTZW -> Integer.numberOfTrailingZeros((int) a);
            case CPOPW -> Integer.bitCount((int) a);
            case MAX -> Math.max(a, b);
            case MAXU -> Long.compareUnsigned(a, b) >= 0 ? a : b;
            case MIN -> Math.min(a, b);
            case MINU -> Long.compareUnsigned(a, b) <= 0 ? a : b;
            case SEXT_B -> (byte) a;
            case SEXT_H -> (short) a;
            case ZEXT_H -> a & 0xFFFF;
            case ROL -> Long.rotateLeft(a, (int) b);
            case ROR, RORI -> Long.rotateRight(a, (int) b);
            case ROLW -> Integer.rotateLeft((int) a, (int) b);
            case RORW, RORIW -> Integer.rotateRight((int) a, (int) b);
            case ORC_B -> orcB(a);
            case REV8 -> Long.reverseBytes(a);
            case BCLR, BCLRI -> a & ~(1L << b);
            case BEXT, BEXTI -> (a >>> b) & 1;
            case BINV, BINVI -> a ^ (1L << b);
            case BSET, BSETI -> a | (1L << b);
            case CZERO_EQZ -> b == 0 ? 0 : a;
            case CZERO_NEZ -> b != 0 ? 0 : a;
            default -> throw new IllegalStateException("not a pure ALU operation: " + op);
        };
    }

    private static long orcB(long a) {
        long r = 0;
        for (int i = 0; i < 64; i += 8) {
            if (((a >>> i) & 0xFF) != 0) r |= 0xFFL << i;
        }
        return r;
    }
}
