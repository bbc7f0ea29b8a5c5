package dev.vireo.riscv.cpu;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IntegerInstructionsTest {
    private static TestMachine run(String source) {
        return new TestMachine().run(source + "\nhalt\n");
    }

    @Test
    void addiAndLuiSignExtendTheirImmediates() {
        try (var m = run("""
                li a0, -1
                addi a1, zero, -2048
                lui a2, 0x80000
                lui a3, 0x7ffff
                """)) {
            assertThat(m.reg("a0")).isEqualTo(-1);
            assertThat(m.reg("a1")).isEqualTo(-2048);
            assertThat(m.reg("a2")).isEqualTo(0xFFFF_FFFF_8000_0000L);
            assertThat(m.reg("a3")).isEqualTo(0x7FFF_F000L);
        }
    }

    @Test
    void auipcAddsToTheInstructionAddress() {
        try (var m = run("auipc a0, 1\nauipc a1, 0")) {
            assertThat(m.reg("a0")).isEqualTo(Asm.BASE + 0x1000);
            assertThat(m.reg("a1")).isEqualTo(Asm.BASE + 4);
        }
    }

    @Test
    void shiftAmountsUseOnlyTheLowSixBits() {
        try (var m = run("""
                li a0, 1
                li t0, 65
                sll a1, a0, t0
                li t1, -1
                srl a2, t1, t0
                sra a3, t1, t0
                """)) {
            assertThat(m.reg("a1")).isEqualTo(2);
            assertThat(m.reg("a2")).isEqualTo(Long.MAX_VALUE);
            assertThat(m.reg("a3")).isEqualTo(-1);
        }
    }

    @Test
    void wordOperationsSignExtendBit31AndShiftByFiveBits() {
        try (var m = run("""
                li a0, 0x7fffffff
                addiw a1, a0, 1
                li t0, 33
                li a4, 1
                sllw a2, a4, t0
                li a5, 0x80000000
                srlw a3, a5, zero
                sraiw a6, a5, 4
                srliw a7, a5, 4
                subw s2, zero, a4
                addw s3, a5, zero
                """)) {
            assertThat(m.reg("a1")).isEqualTo(0xFFFF_FFFF_8000_0000L);
            assertThat(m.reg("a2")).isEqualTo(2);
            assertThat(m.reg("a3")).isEqualTo(0xFFFF_FFFF_8000_0000L);
            assertThat(m.reg("a6")).isEqualTo(0xFFFF_FFFF_F800_0000L);
            assertThat(m.reg("a7")).isEqualTo(0x0800_0000L);
            assertThat(m.reg("s2")).isEqualTo(-1);
            assertThat(m.reg("s3")).isEqualTo(0xFFFF_FFFF_8000_0000L);
        }
    }

    @Test
    void comparisonsDistinguishSignedAndUnsigned() {
        try (var m = run("""
                li t0, -1
                li t1, 1
                slt a0, t0, t1
                sltu a1, t0, t1
                slti a2, t0, 0
                sltiu a3, t1, -1
                seqz a4, zero
                """)) {
            assertThat(m.reg("a0")).isEqualTo(1);
            assertThat(m.reg("a1")).isEqualTo(0);
            assertThat(m.reg("a2")).isEqualTo(1);
            assertThat(m.reg("a3")).isEqualTo(1);
            assertThat(m.reg("a4")).isEqualTo(1);
        }
    }

    @Test
    void writesToX0AreDiscarded() {
        try (var m = run("li t0, 5\nadd zero, t0, t0\naddi zero, zero, 1\nmv a0, zero\nlui zero, 1\njal zero, 1f\n1: add a1, zero, zero")) {
            assertThat(m.x(0)).isZero();
            assertThat(m.reg("a0")).isZero();
        }
    }

    @Test
    void branchesAndJumpsLinkAndLoop() {
        try (var m = run("""
                li a0, 0
                li t0, 10
                loop:
                  addi a0, a0, 3
                  addi t0, t0, -1
                  bnez t0, loop
                jal ra, sub
                j end
                sub:
                  addi a1, zero, 42
                  ret
                end:
                li t1, -5
                li t2, 3
                li a2, 0
                bltu t1, t2, 2f
                addi a2, a2, 1
                2: bge t1, t2, 3f
                addi a2, a2, 2
                3:
                """)) {
            assertThat(m.reg("a0")).isEqualTo(30);
            assertThat(m.reg("a1")).isEqualTo(42);
            assertThat(m.reg("a2")).isEqualTo(3);
        }
    }

    @Test
    void loadsSignOrZeroExtend() {
        try (var m = run("""
                la t0, data
                lb a0, 0(t0)
                lbu a1, 0(t0)
                lh a2, 0(t0)
                lhu a3, 0(t0)
                lw a4, 0(t0)
                lwu a5, 0(t0)
                ld a6, 0(t0)
                halt
                .align 3
                data: .dword 0x12345678fedcba98
                """)) {
            assertThat(m.reg("a0")).isEqualTo((byte) 0x98);
            assertThat(m.reg("a1")).isEqualTo(0x98);
            assertThat(m.reg("a2")).isEqualTo((short) 0xba98);
            assertThat(m.reg("a3")).isEqualTo(0xba98);
            assertThat(m.reg("a4")).isEqualTo(0xfedcba98L | 0xFFFF_FFFF_0000_0000L);
            assertThat(m.reg("a5")).isEqualTo(0xfedcba98L);
            assertThat(m.reg("a6")).isEqualTo(0x12345678fedcba98L);
        }
    }

    @Test
    void misalignedLoadsAndStoresWorkIncludingAcrossPages() {
        try (var m = run("""
                li t0, 0x80100ffd
                li t1, 0x1122334455667788
                sd t1, 0(t0)
                ld a0, 0(t0)
                lw a1, 1(t0)
                sh t1, 3(t0)
                lhu a2, 3(t0)
                """)) {
            assertThat(m.reg("a0")).isEqualTo(0x1122334455667788L);
            assertThat(m.reg("a1")).isEqualTo(0x44556677L);
            assertThat(m.reg("a2")).isEqualTo(0x7788);
            assertThat(m.ram.readLong(0x80100ffdL)).isEqualTo(0x1122337788667788L);
        }
    }

    @Test
    void storesOfEachWidthWriteOnlyTheirBytes() {
        try (var m = run("""
                li t0, 0x80200000
                li t1, -1
                sd t1, 0(t0)
                sb zero, 0(t0)
                sh zero, 2(t0)
                sw zero, 4(t0)
                ld a0, 0(t0)
                """)) {
            assertThat(m.reg("a0")).isEqualTo(0x0000_0000_0000_FF00L);
        }
    }
}
