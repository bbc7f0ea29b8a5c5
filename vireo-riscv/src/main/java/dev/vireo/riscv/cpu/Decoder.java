package dev.vireo.riscv.cpu;

import static dev.vireo.riscv.cpu.Op.*;

/**
 * Decodes 32-bit instructions (RISC-V unprivileged ch. 2, 7, 8, 10-12, 28-29 and the Zb* / Zicond
 * chapters) into the pre-decoded form of {@link Op}. Compressed instructions are expanded by
 * {@link CompressedDecoder}. Decoding is pure: it never depends on the hart's state, so a
 * decoded page can be cached; privilege checks happen at execution.
 */
final class Decoder {
    private Decoder() {}

    /** Decodes {@code insn} into {@code code[i]} and {@code imm[i]}. */
    static void decode(int insn, int[] code, int[] imm, int i) {
        int opcode = insn & 0x7F;
        int rd = (insn >>> 7) & 31, f3 = (insn >>> 12) & 7, rs1 = (insn >>> 15) & 31, rs2 = (insn >>> 20) & 31;
        int f7 = insn >>> 25;
        int immI = insn >> 20;
        int w;
        int value = immI;
        switch (opcode) {
            case 0x37 -> { w = word(LUI, xd(rd), 0, 0); value = insn & 0xFFFFF000; }
            case 0x17 -> { w = word(AUIPC, xd(rd), 0, 0); value = insn & 0xFFFFF000; }
            case 0x6F -> { w = word(JAL, xd(rd), 0, 0); value = immJ(insn); }
            case 0x67 -> w = f3 == 0 ? word(JALR, xd(rd), rs1, 0) : illegal();
            case 0x63 -> {
                value = immB(insn);
                w = switch (f3) {
                    case 0 -> word(BEQ, 0, rs1, rs2);
                    case 1 -> word(BNE, 0, rs1, rs2);
                    case 4 -> word(BLT, 0, rs1, rs2);
                    case 5 -> word(BGE, 0, rs1, rs2);
                    case 6 -> word(BLTU, 0, rs1, rs2);
                    case 7 -> word(BGEU, 0, rs1, rs2);
                    default -> illegal();
                };
            }
            case 0x03 -> {
                int op = switch (f3) {
                    case 0 -> LB; case 1 -> LH; case 2 -> LW; case 3 -> LD;
                    case 4 -> LBU; case 5 -> LHU; case 6 -> LWU; default -> ILLEGAL;
                };
                w = op == ILLEGAL ? illegal() : word(op, xd(rd), rs1, 0);
            }
            case 0x23 -> {
                value = (insn >> 25) << 5 | rd;
                int op = switch (f3) { case 0 -> SB; case 1 -> SH; case 2 -> SW; case 3 -> SD; default -> ILLEGAL; };
                w = op == ILLEGAL ? illegal() : word(op, 0, rs1, rs2);
            }
            case 0x07 -> w = f3 == 2 ? word(FLW, rd, rs1, 0) : f3 == 3 ? word(FLD, rd, rs1, 0) : illegal();
            case 0x27 -> {
                value = (insn >> 25) << 5 | rd;
                w = f3 == 2 ? word(FSW, 0, rs1, rs2) : f3 == 3 ? word(FSD, 0, rs1, rs2) : illegal();
            }
            case 0x13 -> { w = opImm(insn, f3, f7); if (isShiftImm(w)) value = (insn >>> 20) & 63; }
            case 0x1B -> {
                w = opImm32(insn, f3, f7);
                if (isShiftImm(w)) value = (insn >>> 20) & ((w & 0xFF) == SLLI_UW ? 63 : 31);
            }
            case 0x33 -> { value = 0; int op = op(f3, f7, rs2); w = op == ILLEGAL ? ILLEGAL : word(op, xd(rd), rs1, rs2); }
            case 0x3B -> { value = 0; int op = op32(f3, f7, rs2); w = op == ILLEGAL ? ILLEGAL : word(op, xd(rd), rs1, rs2); }
            case 0x0F -> w = f3 == 0 ? word(FENCE, 0, 0, 0) : f3 == 1 ? word(FENCE_I, 0, 0, 0) : illegal();
            case 0x73 -> { w = system(insn, f3, f7, rd, rs1, rs2); value = insn; }
            case 0x2F -> { w = atomic(insn, f3, rs2); value = insn; }
            case 0x53, 0x43, 0x47, 0x4B, 0x4F -> { w = word(FPU, 0, 0, 0); value = insn; }
            default -> w = illegal();
        }
        if ((w & 0xFF) == ILLEGAL) { w = ILLEGAL; value = insn; }
        code[i] = w;
        imm[i] = value;
    }

    private static boolean isShiftImm(int w) {
        int op = w & 0xFF;
        return (op >= SLLI && op <= SRAI) || (op >= SLLIW && op <= SRAIW) || op >= FIRST_RI;
    }

    static int illegal() { return ILLEGAL; }

    static int immJ(int insn) {
        return (insn >> 31) << 20 | (insn & 0xFF000) | ((insn >>> 20) & 1) << 11 | ((insn >>> 21) & 0x3FF) << 1;
    }

    static int immB(int insn) {
        return (insn >> 31) << 12 | ((insn >>> 7) & 1) << 11 | ((insn >>> 25) & 0x3F) << 5 | ((insn >>> 8) & 0xF) << 1;
    }

    private static int opImm(int insn, int f3, int f7) {
        int rd = xd((insn >>> 7) & 31), rs1 = (insn >>> 15) & 31;
        int f6 = f7 >>> 1, sel = (insn >>> 20) & 31;
        int op = switch (f3) {
            case 0 -> ADDI; case 2 -> SLTI; case 3 -> SLTIU; case 4 -> XORI; case 6 -> ORI; case 7 -> ANDI;
            case 1 -> switch (f6) {
                case 0x00 -> SLLI;
                case 0x12 -> BCLRI;
                case 0x1A -> BINVI;
                case 0x0A -> BSETI;
                case 0x18 -> f7 == 0x30 ? switch (sel) {
                    case 0 -> CLZ; case 1 -> CTZ; case 2 -> CPOP; case 4 -> SEXT_B; case 5 -> SEXT_H; default -> ILLEGAL;
                } : ILLEGAL;
                default -> ILLEGAL;
            };
            case 5 -> switch (f6) {
                case 0x00 -> SRLI;
                case 0x10 -> SRAI;
                case 0x12 -> BEXTI;
                case 0x18 -> RORI;
                case 0x0A -> ((insn >>> 20) & 0xFFF) == 0x287 ? ORC_B : ILLEGAL;
                case 0x1A -> ((insn >>> 20) & 0xFFF) == 0x6B8 ? REV8 : ILLEGAL;
                default -> ILLEGAL;
            };
            default -> ILLEGAL;
        };
        return op == ILLEGAL ? ILLEGAL : word(op, rd, rs1, 0);
    }

    private static int opImm32(int insn, int f3, int f7) {
        int rd = xd((insn >>> 7) & 31), rs1 = (insn >>> 15) & 31;
        int sel = (insn >>> 20) & 31;
        int op = switch (f3) {
            case 0 -> ADDIW;
            case 1 -> switch (f7) {
                case 0x00 -> SLLIW;
                case 0x30 -> switch (sel) { case 0 -> CLZW; case 1 -> CTZW; case 2 -> CPOPW; default -> ILLEGAL; };
                default -> (f7 >>> 1) == 0x02 ? SLLI_UW : ILLEGAL;
            };
            case 5 -> switch (f7) { case 0x00 -> SRLIW; case 0x20 -> SRAIW; case 0x30 -> RORIW; default -> ILLEGAL; };
            default -> ILLEGAL;
        };
        return op == ILLEGAL ? ILLEGAL : word(op, rd, rs1, 0);
    }

    private static int op(int f3, int f7, int rs2) {
        int op = switch (f7) {
            case 0x00 -> switch (f3) {
                case 0 -> ADD; case 1 -> SLL; case 2 -> SLT; case 3 -> SLTU; case 4 -> XOR; case 5 -> SRL; case 6 -> OR; default -> AND;
            };
            case 0x20 -> switch (f3) { case 0 -> SUB; case 5 -> SRA; case 4 -> XNOR; case 6 -> ORN; case 7 -> ANDN; default -> ILLEGAL; };
            case 0x01 -> switch (f3) {
                case 0 -> MUL; case 1 -> MULH; case 2 -> MULHSU; case 3 -> MULHU; case 4 -> DIV; case 5 -> DIVU; case 6 -> REM; default -> REMU;
            };
            case 0x10 -> switch (f3) { case 2 -> SH1ADD; case 4 -> SH2ADD; case 6 -> SH3ADD; default -> ILLEGAL; };
            case 0x05 -> switch (f3) { case 4 -> MIN; case 5 -> MINU; case 6 -> MAX; case 7 -> MAXU; default -> ILLEGAL; };
            case 0x30 -> switch (f3) { case 1 -> ROL; case 5 -> ROR; default -> ILLEGAL; };
            case 0x24 -> switch (f3) { case 1 -> BCLR; case 5 -> BEXT; default -> ILLEGAL; };
            case 0x34 -> f3 == 1 ? BINV : ILLEGAL;
            case 0x14 -> f3 == 1 ? BSET : ILLEGAL;
            case 0x07 -> f3 == 5 ? CZERO_EQZ : f3 == 7 ? CZERO_NEZ : ILLEGAL;
            default -> ILLEGAL;
        };
        return op;
    }

    private static int op32(int f3, int f7, int rs2) {
        int op = switch (f7) {
            case 0x00 -> switch (f3) { case 0 -> ADDW; case 1 -> SLLW; case 5 -> SRLW; default -> ILLEGAL; };
            case 0x20 -> switch (f3) { case 0 -> SUBW; case 5 -> SRAW; default -> ILLEGAL; };
            case 0x01 -> switch (f3) { case 0 -> MULW; case 4 -> DIVW; case 5 -> DIVUW; case 6 -> REMW; case 7 -> REMUW; default -> ILLEGAL; };
            case 0x04 -> f3 == 0 ? ADD_UW : (f3 == 4 && rs2 == 0) ? ZEXT_H : ILLEGAL;
            case 0x10 -> switch (f3) { case 2 -> SH1ADD_UW; case 4 -> SH2ADD_UW; case 6 -> SH3ADD_UW; default -> ILLEGAL; };
            case 0x30 -> switch (f3) { case 1 -> ROLW; case 5 -> RORW; default -> ILLEGAL; };
            default -> ILLEGAL;
        };
        return op;
    }

    private static int system(int insn, int f3, int f7, int rd, int rs1, int rs2) {
        if (f3 == 0) {
            if (insn == 0x00000073) return word(ECALL, 0, 0, 0);
            if (insn == 0x00100073) return word(EBREAK, 0, 0, 0);
            if (insn == 0x30200073) return word(MRET, 0, 0, 0);
            if (insn == 0x10200073) return word(SRET, 0, 0, 0);
            if (insn == 0x10500073) return word(WFI, 0, 0, 0);
            if (f7 == 0x09 && rd == 0) return word(SFENCE_VMA, 0, rs1, rs2);
            return ILLEGAL;
        }
        int op = switch (f3) { case 1 -> CSRRW; case 2 -> CSRRS; case 3 -> CSRRC; case 5 -> CSRRWI; case 6 -> CSRRSI; case 7 -> CSRRCI; default -> ILLEGAL; };
        return op == ILLEGAL ? ILLEGAL : word(op, xd(rd), rs1, 0);
    }

    private static int atomic(int insn, int f3, int rs2) {
        int rd = xd((insn >>> 7) & 31), rs1 = (insn >>> 15) & 31;
        int f5 = insn >>> 27;
        if (f3 != 2 && f3 != 3) return ILLEGAL;
        boolean d = f3 == 3;
        int op = switch (f5) {
            case 0x02 -> rs2 == 0 ? (d ? LR_D : LR_W) : ILLEGAL;
            case 0x03 -> d ? SC_D : SC_W;
            case 0x00, 0x01, 0x04, 0x08, 0x0C, 0x10, 0x14, 0x18, 0x1C -> d ? AMO_D : AMO_W;
            default -> ILLEGAL;
        };
        return op == ILLEGAL ? ILLEGAL : word(op, rd, rs1, rs2);
    }
}
