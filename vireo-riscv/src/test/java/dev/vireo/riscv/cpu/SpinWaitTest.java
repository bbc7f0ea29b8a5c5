package dev.vireo.riscv.cpu;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hart whose translated loop spins on memory without changing a register gives its host core
 * away for a moment ({@link Interpreter#spinWait}), and still sees the store it waits for;
 * a loop that computes is never taken for a spin.
 */
class SpinWaitTest {
    /** Hart 1 waits for a flag the way OpenSBI's secondary harts wait for the boot hart; hart 0 counts down, sets it, counts down again. */
    static final String PROGRAM = """
            csrr t0, mhartid
            li s0, 0x80300000
            bnez t0, waiter
              li t1, 3000000
            work:
              addi t1, t1, -1
              bnez t1, work
              li t2, 1
              sd t2, 0(s0)
              li t1, 3000000
            linger:                  # time for hart 1 to see the flag and answer
              addi t1, t1, -1
              bnez t1, linger
              halt
            waiter:
              li t4, 1
            spin:
              ld t5, 0(s0)
              div t6, t6, zero
              bne t4, t5, spin
              sd t4, 8(s0)
            idle:
              j idle
            """;

    @Test
    void aHartSpinningOnAFlagPausesAndStillSeesTheFlag() {
        try (TestMachine m = new TestMachine(2)) {
            m.load(PROGRAM);
            for (Hart h : m.harts) h.setTranslator(new Translator(1));
            m.start();
            assertThat(m.readLong(0x8030_0008L)).as("hart 1 saw the flag").isEqualTo(1);
            assertThat(m.harts.get(1).spinPauses()).as("pauses of the waiting hart").isPositive();
            assertThat(m.harts.get(0).spinPauses()).as("pauses of the counting hart").isZero();
        }
    }
}
