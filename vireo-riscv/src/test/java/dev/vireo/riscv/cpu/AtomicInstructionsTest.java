package dev.vireo.riscv.cpu;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The A extension: LR/SC reservations, AMO results and atomicity across harts. */
class AtomicInstructionsTest {
    /** A handler that records mcause/mtval in s10/s11 and halts. */
    static final String TRAP_HANDLER = """
            la t0, trap_handler
            csrw mtvec, t0
            j trap_handler_end
            .align 2
            trap_handler:
              csrr s10, mcause
              csrr s11, mtval
              halt
            trap_handler_end:
            """;

    @Test
    void storeConditionalSucceedsOnlyWithAReservation() {
        try (var m = new TestMachine().run("""
                li t0, 0x80200000
                li t1, 5
                sd t1, 0(t0)
                lr.d a0, (t0)
                addi a0, a0, 1
                sc.d a1, a0, (t0)
                sc.d a2, a0, (t0)
                ld a3, 0(t0)
                li t2, 99
                lr.w a4, (t0)
                sw t2, 0(t0)
                sc.w a5, t1, (t0)
                lw a6, 0(t0)
                halt
                """)) {
            assertThat(m.reg("a0")).isEqualTo(6);
            assertThat(m.reg("a1")).as("first SC succeeds").isZero();
            assertThat(m.reg("a2")).as("second SC has no reservation").isEqualTo(1);
            assertThat(m.reg("a3")).isEqualTo(6);
            assertThat(m.reg("a5")).as("SC after the reserved word changed fails").isEqualTo(1);
            assertThat(m.reg("a6")).isEqualTo(99);
        }
    }

    @Test
    void amosReturnTheOldValueAndStoreTheResult() {
        try (var m = new TestMachine().run("""
                li t0, 0x80200000
                li t1, -2
                sd t1, 0(t0)
                li t2, 3
                amoadd.d a0, t2, (t0)
                ld s2, 0(t0)
                amoswap.d a1, t2, (t0)
                amomax.d a2, t1, (t0)
                ld s3, 0(t0)
                amominu.d a3, t1, (t0)
                ld s4, 0(t0)
                sw t1, 8(t0)
                amoadd.w a4, t2, 8(t0)
                lw s5, 8(t0)
                amomaxu.w a5, t1, 8(t0)
                lwu s6, 8(t0)
                amoxor.w a6, t2, 8(t0)
                amoand.d a7, zero, (t0)
                amoor.w s7, t2, 12(t0)
                halt
                """.replace("8(t0)", "(t3)").replace("12(t0)", "(t4)").replace("li t2, 3", "li t2, 3\naddi t3, t0, 8\naddi t4, t0, 12"))) {
            assertThat(m.reg("a0")).isEqualTo(-2);
            assertThat(m.reg("s2")).isEqualTo(1);
            assertThat(m.reg("a1")).isEqualTo(1);
            assertThat(m.reg("a2")).isEqualTo(3);
            assertThat(m.reg("s3")).isEqualTo(3);
            assertThat(m.reg("a3")).isEqualTo(3);
            assertThat(m.reg("s4")).isEqualTo(3);
            assertThat(m.reg("a4")).as("word AMO result is sign-extended").isEqualTo(-2);
            assertThat(m.reg("s5")).isEqualTo(1);
            assertThat(m.reg("a5")).isEqualTo(1);
            assertThat(m.reg("s6")).isEqualTo(0xFFFF_FFFEL);
            assertThat(m.reg("a6")).isEqualTo(-2);
            assertThat(m.reg("a7")).isEqualTo(3);
            assertThat(m.reg("s7")).isZero();
        }
    }

    @Test
    void misalignedAmoRaisesStoreAddressMisaligned() {
        try (var m = new TestMachine().run(TRAP_HANDLER + """
                li t0, 0x80200004
                amoadd.d a0, t0, (t0)
                halt
                """)) {
            assertThat(m.reg("s10")).isEqualTo(Trap.STORE_MISALIGNED);
            assertThat(m.reg("s11")).isEqualTo(0x80200004L);
        }
    }

    @Test
    void twoHartsRacingAmoAndLrScIncrementsLoseNothing() {
        try (var m = new TestMachine(2).run("""
                li t0, 0x80300000
                li t1, 100000
                li t2, 1
                1: amoadd.d zero, t2, (t0)
                2: lr.d a0, 8(t0)
                   addi a0, a0, 1
                   sc.d a1, a0, 8(t0)
                   bnez a1, 2b
                addi t1, t1, -1
                bnez t1, 1b
                # hart 1 announces it is done; hart 0 waits for that and halts
                csrr a2, mhartid
                beqz a2, 3f
                amoadd.d zero, t2, 16(t0)
                4: j 4b
                3: ld a3, 16(t0)
                beqz a3, 3b
                halt
                """.replace("8(t0)", "(t3)").replace("16(t0)", "(t4)").replace("li t2, 1", "li t2, 1\naddi t3, t0, 8\naddi t4, t0, 16"))) {
            assertThat(m.readLong(0x80300000L)).isEqualTo(200_000);
            assertThat(m.readLong(0x80300008L)).isEqualTo(200_000);
        }
    }
}
