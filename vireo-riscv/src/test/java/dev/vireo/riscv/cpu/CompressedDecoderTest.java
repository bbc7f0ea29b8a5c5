package dev.vireo.riscv.cpu;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every RV64C instruction expands to exactly what its 32-bit equivalent decodes to: the same
 * source is assembled once with compression and once without, and the decoded forms compared.
 */
class CompressedDecoderTest {
    private static final List<String> INSTRUCTIONS = List.of(
            "addi a0, sp, 16", "addi a5, sp, 1020", "fld fa0, 8(a1)", "lw a0, 4(a1)", "lw s1, 124(a5)", "ld a0, 8(a1)",
            "ld a3, 248(s0)", "fsd fa0, 8(a1)", "sw a0, 4(a1)", "sd a0, 8(a1)", "sd a4, 248(a5)",
            "addi a0, a0, -3", "addi t0, t0, 31", "addi zero, zero, 0", "addiw a0, a0, 5", "addiw t1, t1, -32",
            "addi a0, zero, -7", "addi sp, sp, -64", "addi sp, sp, 496", "addi sp, sp, -512", "lui a0, 0xfffff", "lui t2, 0x1f",
            "srli a0, a0, 33", "srai a1, a1, 7", "andi a2, a2, -1", "andi a3, a3, 31",
            "sub a0, a0, a1", "xor a1, a1, a2", "or a2, a2, a3", "and a3, a3, a4", "subw a4, a4, a5", "addw a5, a5, s0",
            "jal zero, .+32|c.j .+32", "jal zero, .-2048|c.j .-2048", "beq a0, zero, .+16|c.beqz a0, .+16",
            "bne a1, zero, .-256|c.bnez a1, .-256", "beq s1, zero, .+254|c.beqz s1, .+254",
            "slli a0, a0, 63", "slli t3, t3, 1", "fld fa0, 8(sp)", "fld fs11, 504(sp)", "lw a0, 4(sp)", "lw ra, 252(sp)",
            "ld a0, 8(sp)", "ld s11, 504(sp)", "jalr zero, 0(a0)|c.jr a0", "jalr zero, 0(ra)|c.jr ra", "add a0, zero, a1|c.mv a0, a1", "add t6, zero, t5|c.mv t6, t5",
            "ebreak|c.ebreak", "jalr ra, 0(a0)|c.jalr a0", "add a0, a0, a1", "fsd fa0, 8(sp)", "fsd fs1, 504(sp)", "sw a0, 4(sp)",
            "sw t6, 252(sp)", "sd a0, 8(sp)", "sd s4, 504(sp)");

    @Test
    void everyCompressedFormExpandsToItsThirtyTwoBitEquivalent() {
        // "wide|narrow" when the assembler needs the compressed mnemonic spelled out
        String wideBody = String.join("\n", INSTRUCTIONS.stream().map(i -> i.split("\\|")[0]).toList());
        String narrowBody = String.join("\n", INSTRUCTIONS.stream().map(i -> i.contains("|") ? i.split("\\|")[1] : i).toList());
        ByteBuffer wide = ByteBuffer.wrap(Asm.assemble(".option norvc\n" + wideBody)).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer narrow = ByteBuffer.wrap(Asm.assemble(".option rvc\n" + narrowBody)).order(ByteOrder.LITTLE_ENDIAN);
        int[] code = new int[2], imm = new int[2];
        for (String instruction : INSTRUCTIONS) {
            int parcel = narrow.getShort() & 0xFFFF;
            assertThat(parcel & 3).as("%s was not compressed by the assembler", instruction).isNotEqualTo(3);
            CompressedDecoder.decode(parcel, code, imm, 0);
            Decoder.decode(wide.getInt(), code, imm, 1);
            assertThat(code[0] & Op.COMPRESSED).isNotZero();
            assertThat(code[0] & ~Op.COMPRESSED).as(instruction).isEqualTo(code[1]);
            if ((code[1] & 0xFF) != Op.EBREAK) assertThat(imm[0]).as(instruction).isEqualTo(imm[1]);
        }
    }

    @Test
    void reservedEncodingsAreIllegal() {
        int[] code = new int[1], imm = new int[1];
        for (int parcel : new int[] {0x0000, 0x2001 /* c.addiw x0 */, 0x4002 /* c.lwsp x0 */, 0x8002 /* c.jr x0 */,
                0x6101 & ~0x107C /* c.addi16sp 0 */, 0x9C41 /* c.subw reserved slot 10 */, 0x8000 /* quadrant 0 funct3 4 */}) {
            CompressedDecoder.decode(parcel, code, imm, 0);
            assertThat(code[0] & 0xFF).as("0x%04x", parcel).isEqualTo(Op.ILLEGAL);
            assertThat(imm[0]).isEqualTo(parcel);
        }
    }

    @Test
    void compressedCodeRunsWithTwoByteSteps() {
        try (var m = new TestMachine().run("""
                .option rvc
                li a0, 0
                li a1, 10
                1: c.addi a0, 2
                c.addi a1, -1
                c.bnez a1, 1b
                c.mv a2, a0
                jal 2f
                halt
                2: c.addi a2, 1
                halt
                """)) {
            assertThat(m.reg("a0")).isEqualTo(20);
            assertThat(m.reg("a2")).isEqualTo(21);
            assertThat(m.reg("ra")).isNotZero();
        }
    }
}
