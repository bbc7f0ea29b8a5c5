package dev.vireo.riscv.cpu;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Zba, Zbb, Zbs and Zicond (encoded with .insn: binutils 2.40 predates Zicond). */
class BitManipulationTest {
    private static TestMachine run(String source) {
        return new TestMachine().run(source + "\nhalt\n");
    }

    @Test
    void addressGenerationShiftsAndZeroExtends() {
        try (var m = run("""
                li t0, -1
                li t1, 100
                sh1add a0, t1, t1
                sh3add a1, t1, zero
                add.uw a2, t0, zero
                sh2add.uw a3, t0, t1
                slli.uw a4, t0, 40
                """)) {
            assertThat(m.reg("a0")).isEqualTo(300);
            assertThat(m.reg("a1")).isEqualTo(800);
            assertThat(m.reg("a2")).isEqualTo(0xFFFF_FFFFL);
            assertThat(m.reg("a3")).isEqualTo(0x3_FFFF_FFFCL + 100);
            assertThat(m.reg("a4")).isEqualTo(0xFFFF_FFFFL << 40);
        }
    }

    /** ctzw looks at rs1[31:0] only: 32 for a zero low word whatever the upper bits (QEMU 7.2 gives 42 here). */
    @Test
    void ctzwIgnoresTheUpperWord() {
        try (var m = run("""
                li t0, 1
                slli t0, t0, 42
                ctzw a0, t0
                """)) {
            assertThat(m.reg("a0")).isEqualTo(32);
        }
    }

    @Test
    void basicBitOperationsCountRotateAndReverse() {
        try (var m = run("""
                li t0, 0x0000000100f00000
                clz a0, t0
                ctz a1, t0
                cpop a2, t0
                clzw a3, t0
                ctzw a4, zero
                rori a5, t0, 4
                rev8 a6, t0
                orc.b a7, t0
                li t1, 0x80
                sext.b s2, t1
                zext.h s3, t0
                li t2, -3
                min s4, t2, t1
                minu s5, t2, t1
                andn s6, t0, t0
                rolw s7, t1, t1
                """)) {
            assertThat(m.reg("a0")).isEqualTo(31);
            assertThat(m.reg("a1")).isEqualTo(20);
            assertThat(m.reg("a2")).isEqualTo(5);
            assertThat(m.reg("a3")).isEqualTo(8);
            assertThat(m.reg("a4")).isEqualTo(32);
            assertThat(m.reg("a5")).isEqualTo(Long.rotateRight(0x0000000100f00000L, 4));
            assertThat(m.reg("a6")).isEqualTo(Long.reverseBytes(0x0000000100f00000L));
            assertThat(m.reg("a7")).isEqualTo(0x000000FF00FF0000L);
            assertThat(m.reg("s2")).isEqualTo(-128);
            assertThat(m.reg("s3")).isZero();
            assertThat(m.reg("s4")).isEqualTo(-3);
            assertThat(m.reg("s5")).isEqualTo(0x80);
            assertThat(m.reg("s6")).isZero();
            assertThat(m.reg("s7")).isEqualTo(0x80L);
        }
    }

    @Test
    void singleBitInstructionsUseSixBitIndexes() {
        try (var m = run("""
                li t0, 0
                bseti a0, t0, 63
                li t1, 65
                bset a1, t0, t1
                binvi a2, a0, 63
                bexti a3, a0, 63
                bclr a4, a1, t1
                """)) {
            assertThat(m.reg("a0")).isEqualTo(Long.MIN_VALUE);
            assertThat(m.reg("a1")).isEqualTo(2);
            assertThat(m.reg("a2")).isZero();
            assertThat(m.reg("a3")).isEqualTo(1);
            assertThat(m.reg("a4")).isZero();
        }
    }

    @Test
    void conditionalZeroTestsTheSecondOperand() {
        try (var m = run("""
                li t0, 42
                li t1, 0
                .insn r 0x33, 5, 7, a0, t0, t1
                .insn r 0x33, 7, 7, a1, t0, t1
                .insn r 0x33, 5, 7, a2, t0, t0
                """)) {
            assertThat(m.reg("a0")).isZero();   // czero.eqz: rs2 == 0 -> 0
            assertThat(m.reg("a1")).isEqualTo(42); // czero.nez: rs2 == 0 -> rs1
            assertThat(m.reg("a2")).isEqualTo(42);
        }
    }
}
