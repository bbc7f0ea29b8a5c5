package dev.vireo.riscv.cpu;

import static dev.vireo.riscv.cpu.Op.*;

/**
 * Expands RV64C instructions (RISC-V unprivileged ch. 16, RVC table 16.5-16.7) straight into the
 * pre-decoded form of {@link Op}, with the {@link Op#COMPRESSED} bit set so the interpreter
 * advances pc by 2. Reserved and illegal encodings (including the all-zero parcel) decode to
 * {@link Op#ILLEGAL} with the 16 instruction bits as immediate.
 */
final class CompressedDecoder {
    private CompressedDecoder() {}

    static void decode(int c, int[] code, int[] imm, int i) {
        long r = expand(c & 0xFFFF);
        int w = (int) r;
        if (w == ILLEGAL) {
            code[i] = ILLEGAL | COMPRESSED;
            imm[i] = c & 0xFFFF;
        } else {
            code[i] = w | COMPRESSED;
            imm[i] = (int) (r >> 32);
        }
    }

    private static long pack(int word, int imm) { return (word & 0xFFFFFFFFL) | (long) imm << 32; }

    private static int bit(int c, int b) { return (c >>> b) & 1; }

    private static int bits(int c, int hi, int lo) { return (c >>> lo) & ((1 << (hi - lo + 1)) - 1); }

    private static int signExtend(int value, int width) { return value << (32 - width) >> (32 - width); }

    /** Returns (imm << 32) | code word, or ILLEGAL. */
    static long expand(int c) {
        int quadrant = c & 3, f3 = c >>> 13;
        int rdFull = bits(c, 11, 7), rs2Full = bits(c, 6, 2);
        int rdP = 8 + bits(c, 4, 2), rs1P = 8 + bits(c, 9, 7);
        int imm6 = signExtend(bit(c, 12) << 5 | bits(c, 6, 2), 6);
        switch (quadrant) {
            case 0 -> {
                int uimmW = bits(c, 12, 10) << 3 | bit(c, 6) << 2 | bit(c, 5) << 6;
                int uimmD = bits(c, 12, 10) << 3 | bits(c, 6, 5) << 6;
                switch (f3) {
                    case 0 -> {
                        int nz = bits(c, 12, 11) << 4 | bits(c, 10, 7) << 6 | bit(c, 6) << 2 | bit(c, 5) << 3;
                        return nz == 0 ? ILLEGAL : pack(word(ADDI, rdP, 2, 0), nz);
                    }
                    case 1 -> { return pack(word(FLD, rdP, rs1P, 0), uimmD); }
                    case 2 -> { return pack(word(LW, rdP, rs1P, 0), uimmW); }
                    case 3 -> { return pack(word(LD, rdP, rs1P, 0), uimmD); }
                    case 5 -> { return pack(word(FSD, 0, rs1P, rdP), uimmD); }
                    case 6 -> { return pack(word(SW, 0, rs1P, rdP), uimmW); }
                    case 7 -> { return pack(word(SD, 0, rs1P, rdP), uimmD); }
                    default -> { return ILLEGAL; }
                }
            }
            case 1 -> {
                switch (f3) {
                    case 0 -> { return pack(word(ADDI, xd(rdFull), rdFull, 0), imm6); } // C.NOP / C.ADDI (HINTs are NOPs)
                    case 1 -> { return rdFull == 0 ? ILLEGAL : pack(word(ADDIW, rdFull, rdFull, 0), imm6); }
                    case 2 -> { return pack(word(ADDI, xd(rdFull), 0, 0), imm6); }
                    case 3 -> {
                        if (rdFull == 2) {
                            int nz = signExtend(bit(c, 12) << 9 | bit(c, 6) << 4 | bit(c, 5) << 6
                                    | bits(c, 4, 3) << 7 | bit(c, 2) << 5, 10);
                            return nz == 0 ? ILLEGAL : pack(word(ADDI, 2, 2, 0), nz);
                        }
                        int nz = signExtend(bit(c, 12) << 17 | bits(c, 6, 2) << 12, 18);
                        return nz == 0 ? ILLEGAL : pack(word(LUI, xd(rdFull), 0, 0), nz);
                    }
                    case 4 -> {
                        int shamt = bit(c, 12) << 5 | bits(c, 6, 2);
                        switch (bits(c, 11, 10)) {
                            case 0 -> { return pack(word(SRLI, rs1P, rs1P, 0), shamt); }
                            case 1 -> { return pack(word(SRAI, rs1P, rs1P, 0), shamt); }
                            case 2 -> { return pack(word(ANDI, rs1P, rs1P, 0), imm6); }
                            default -> {
                                int sel = bits(c, 6, 5);
                                int op;
                                if (bit(c, 12) == 0) op = switch (sel) { case 0 -> SUB; case 1 -> XOR; case 2 -> OR; default -> AND; };
                                else op = switch (sel) { case 0 -> SUBW; case 1 -> ADDW; default -> ILLEGAL; };
                                return op == ILLEGAL ? ILLEGAL : pack(word(op, rs1P, rs1P, rdP), 0);
                            }
                        }
                    }
                    case 5 -> {
                        int off = signExtend(bit(c, 12) << 11 | bit(c, 11) << 4 | bits(c, 10, 9) << 8 | bit(c, 8) << 10
                                | bit(c, 7) << 6 | bit(c, 6) << 7 | bits(c, 5, 3) << 1 | bit(c, 2) << 5, 12);
                        return pack(word(JAL, SINK, 0, 0), off);
                    }
                    default -> {
                        int off = signExtend(bit(c, 12) << 8 | bits(c, 11, 10) << 3 | bits(c, 6, 5) << 6
                                | bits(c, 4, 3) << 1 | bit(c, 2) << 5, 9);
                        return pack(word(f3 == 6 ? BEQ : BNE, 0, rs1P, 0), off);
                    }
                }
            }
            case 2 -> {
                switch (f3) {
                    case 0 -> { return pack(word(SLLI, xd(rdFull), rdFull, 0), bit(c, 12) << 5 | bits(c, 6, 2)); }
                    case 1 -> { return pack(word(FLD, rdFull, 2, 0), bit(c, 12) << 5 | bits(c, 6, 5) << 3 | bits(c, 4, 2) << 6); }
                    case 2 -> {
                        int off = bit(c, 12) << 5 | bits(c, 6, 4) << 2 | bits(c, 3, 2) << 6;
                        return rdFull == 0 ? ILLEGAL : pack(word(LW, rdFull, 2, 0), off);
                    }
                    case 3 -> {
                        int off = bit(c, 12) << 5 | bits(c, 6, 5) << 3 | bits(c, 4, 2) << 6;
                        return rdFull == 0 ? ILLEGAL : pack(word(LD, rdFull, 2, 0), off);
                    }
                    case 4 -> {
                        if (bit(c, 12) == 0) {
                            if (rs2Full == 0) return rdFull == 0 ? ILLEGAL : pack(word(JALR, SINK, rdFull, 0), 0);
                            return pack(word(ADD, xd(rdFull), 0, rs2Full), 0); // C.MV
                        }
                        if (rs2Full == 0) {
                            if (rdFull == 0) return pack(word(EBREAK, 0, 0, 0), 0);
                            return pack(word(JALR, 1, rdFull, 0), 0);
                        }
                        return pack(word(ADD, xd(rdFull), rdFull, rs2Full), 0);
                    }
                    case 5 -> { return pack(word(FSD, 0, 2, rs2Full), bits(c, 12, 10) << 3 | bits(c, 9, 7) << 6); }
                    case 6 -> { return pack(word(SW, 0, 2, rs2Full), bits(c, 12, 9) << 2 | bits(c, 8, 7) << 6); }
                    default -> { return pack(word(SD, 0, 2, rs2Full), bits(c, 12, 10) << 3 | bits(c, 9, 7) << 6); }
                }
            }
            default -> { return ILLEGAL; }
        }
    }
}
