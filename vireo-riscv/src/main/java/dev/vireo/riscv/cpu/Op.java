package dev.vireo.riscv.cpu;

/**
 * Operation numbers of the pre-decoded instruction form and the layout of a decoded code word.
 *
 * <p>A decoded instruction is two ints: the code word {@code op | rd << 8 | rs1 << 14 | rs2 << 19
 * | compressed << 24} and a 32-bit immediate. Integer destinations x0 are decoded as register 32,
 * a sink that is never read, so the interpreter writes registers without testing for x0. For
 * CSR, AMO and FP operations the immediate carries the raw instruction bits. Code 0 means "not
 * decoded yet".
 */
final class Op {
    private Op() {}

    static final int RD_SHIFT = 8, RS1_SHIFT = 14, RS2_SHIFT = 19, COMPRESSED = 1 << 24;
    /** Register index that absorbs writes to x0. */
    static final int SINK = 32;

    static final int UNDECODED = 0, ILLEGAL = 1;
    static final int LUI = 2, AUIPC = 3, JAL = 4, JALR = 5;
    static final int BEQ = 6, BNE = 7, BLT = 8, BGE = 9, BLTU = 10, BGEU = 11;
    static final int LB = 12, LH = 13, LW = 14, LD = 15, LBU = 16, LHU = 17, LWU = 18;
    static final int SB = 19, SH = 20, SW = 21, SD = 22;
    static final int ADDI = 23, SLTI = 24, SLTIU = 25, XORI = 26, ORI = 27, ANDI = 28, SLLI = 29, SRLI = 30, SRAI = 31;
    static final int ADD = 32, SUB = 33, SLL = 34, SLT = 35, SLTU = 36, XOR = 37, SRL = 38, SRA = 39, OR = 40, AND = 41;
    static final int ADDIW = 42, SLLIW = 43, SRLIW = 44, SRAIW = 45;
    static final int ADDW = 46, SUBW = 47, SLLW = 48, SRLW = 49, SRAW = 50;
    static final int FLW = 51, FLD = 52, FSW = 53, FSD = 54;

    /** First operation handled outside the interpreter's inlined cases. */
    static final int FIRST_SLOW = 60;
    // System (Interpreter.system)
    static final int FENCE = 60, FENCE_I = 61, ECALL = 62, EBREAK = 63, MRET = 64, SRET = 65, WFI = 66, SFENCE_VMA = 67;
    static final int CSRRW = 68, CSRRS = 69, CSRRC = 70, CSRRWI = 71, CSRRSI = 72, CSRRCI = 73;
    static final int LR_W = 74, LR_D = 75, SC_W = 76, SC_D = 77, AMO_W = 78, AMO_D = 79, FPU = 80;
    static final int LAST_SYSTEM = 80;

    /** Pure register-register operations: rd = Alu.compute(op, x[rs1], x[rs2]). */
    static final int FIRST_RR = 90;
    static final int MUL = 90, MULH = 91, MULHSU = 92, MULHU = 93, DIV = 94, DIVU = 95, REM = 96, REMU = 97;
    static final int MULW = 98, DIVW = 99, DIVUW = 100, REMW = 101, REMUW = 102;
    static final int SH1ADD = 103, SH2ADD = 104, SH3ADD = 105, ADD_UW = 106, SH1ADD_UW = 107, SH2ADD_UW = 108, SH3ADD_UW = 109;
    static final int ANDN = 110, ORN = 111, XNOR = 112, CLZ = 113, CTZ = 114, CPOP = 115, CLZW = 116, CTZW = 117, CPOPW = 118;
    static final int MAX = 119, MAXU = 120, MIN = 121, MINU = 122, SEXT_B = 123, SEXT_H = 124, ZEXT_H = 125;
    static final int ROL = 126, ROR = 127, ROLW = 128, RORW = 129, ORC_B = 130, REV8 = 131;
    static final int BCLR = 132, BEXT = 133, BINV = 134, BSET = 135, CZERO_EQZ = 136, CZERO_NEZ = 137;
    /** Pure register-immediate operations: rd = Alu.compute(op, x[rs1], imm). */
    static final int FIRST_RI = 150;
    static final int SLLI_UW = 150, RORI = 151, RORIW = 152, BCLRI = 153, BEXTI = 154, BINVI = 155, BSETI = 156;
    static final int LAST = 156;

    static int word(int op, int rd, int rs1, int rs2) {
        return op | rd << RD_SHIFT | rs1 << RS1_SHIFT | rs2 << RS2_SHIFT;
    }

    /** Integer destination register: x0 becomes the sink. */
    static int xd(int rd) { return rd == 0 ? SINK : rd; }
}
