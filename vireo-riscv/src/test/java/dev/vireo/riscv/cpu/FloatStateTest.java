package dev.vireo.riscv.cpu;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The hart's side of F/D: mstatus.FS gating and dirtying, NaN-boxing on FLW, FP loads/stores. */
class FloatStateTest {
    @Test
    void floatingPointInstructionsAreIllegalWhileFsIsOff() {
        try (var m = new TestMachine().run(Programs.M_HANDLER + """
                li t0, 0x6000
                csrc mstatus, t0
                la t1, data
                fld fa0, 0(t1)
                halt
                .align 3
                data: .dword 0
                """)) {
            assertThat(m.reg("s8")).isEqualTo(Trap.ILLEGAL_INSTRUCTION);
        }
    }

    @Test
    void fcsrIsIllegalWhileFsIsOff() {
        try (var m = new TestMachine().run(Programs.M_HANDLER + "frflags a0\nhalt")) {
            assertThat(m.reg("s8")).isEqualTo(Trap.ILLEGAL_INSTRUCTION);
        }
    }

    @Test
    void flwNanBoxesAndFpWritesMarkFsDirtyAndSd() {
        try (var m = new TestMachine().run(Programs.M_HANDLER + """
                li t0, 0x2000          # FS = Initial
                csrs mstatus, t0
                csrr a2, mstatus
                la t1, data
                flw fa0, 0(t1)
                csrr a3, mstatus
                fsd fa0, 8(t1)
                ld a0, 8(t1)
                fld fa1, 0(t1)
                fsw fa1, 16(t1)
                lwu a1, 16(t1)
                halt
                .align 3
                data: .dword 0x123456783f800000
                .dword 0
                .dword 0
                """)) {
            assertThat(m.reg("s8")).isZero();
            assertThat((m.reg("a2") >>> 13) & 3).isEqualTo(1);
            assertThat((m.reg("a3") >>> 13) & 3).as("FS dirty").isEqualTo(3);
            assertThat(m.reg("a3")).as("SD").isNegative();
            assertThat(m.reg("a0")).isEqualTo(0xFFFF_FFFF_3F80_0000L);
            assertThat(m.reg("a1")).isEqualTo(0x3F80_0000L);
        }
    }

    @Test
    void floatingPointComputationRunsThroughTheFloatUnit() {
        try (var m = new TestMachine().run("""
                li t0, 0x2000
                csrs mstatus, t0
                li t1, 3
                fcvt.d.l fa0, t1
                fadd.d fa1, fa0, fa0
                fcvt.l.d a0, fa1
                halt
                """)) {
            assertThat(m.reg("a0")).isEqualTo(6);
        }
    }
}
