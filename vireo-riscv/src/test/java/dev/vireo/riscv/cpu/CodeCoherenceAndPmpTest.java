package dev.vireo.riscv.cpu;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The decoded-instruction cache follows stores to code; PMP protects memory from S-mode. */
class CodeCoherenceAndPmpTest {
    @Test
    void storeToAlreadyExecutedCodeTakesEffect() {
        try (var m = new TestMachine().run("""
                li s0, 0
                again:
                jal patch_site_caller
                addi s0, s0, 1
                li t0, 2
                blt s0, t0, patch
                halt
                patch:
                  la t1, site
                  li t2, 0x02a00513     # addi a0, zero, 42
                  sw t2, 0(t1)
                  fence.i
                  j again
                patch_site_caller:
                .option push
                .option norvc
                site: addi a0, zero, 1
                .option pop
                  ret
                """)) {
            assertThat(m.reg("a0")).isEqualTo(42);
        }
    }

    @Test
    void fenceIMakesAnotherHartsCodePatchVisible() {
        try (var m = new TestMachine(2).run("""
                li s1, 0x80300000     # flags: +0 hart 0 ran the old code, +8 hart 1 patched it
                csrr t0, mhartid
                bnez t0, patcher
                jal site_caller
                mv s2, a0
                li t1, 1
                sd t1, 0(s1)
                1: ld t2, 8(s1)
                beqz t2, 1b
                fence.i
                jal site_caller
                halt
                patcher:
                  ld t2, 0(s1)
                  beqz t2, patcher
                  la t1, site
                  li t2, 0x02a00513     # addi a0, zero, 42
                  sw t2, 0(t1)
                  fence
                  li t2, 1
                  sd t2, 8(s1)
                2: j 2b
                site_caller:
                .option push
                .option norvc
                site: addi a0, zero, 1
                .option pop
                  ret
                """)) {
            assertThat(m.reg("s2")).isEqualTo(1);
            assertThat(m.reg("a0")).isEqualTo(42);
        }
    }

    @Test
    void storeToTheCurrentlyExecutingPageIsSeenByTheNextInstruction() {
        try (var m = new TestMachine().run("""
                la t1, next
                li t2, 0x06300593       # addi a1, zero, 99
                .option push
                .option norvc
                sw t2, 0(t1)
                next: addi a1, zero, 1
                .option pop
                halt
                """)) {
            assertThat(m.reg("a1")).isEqualTo(99);
        }
    }

    @Test
    void illegalInstructionReportsItsBits() {
        try (var m = new TestMachine().run(Programs.M_HANDLER + ".word 0xffffffff\nhalt")) {
            assertThat(m.reg("s8")).isEqualTo(Trap.ILLEGAL_INSTRUCTION);
            assertThat(m.reg("s9")).isEqualTo(0xFFFF_FFFFL);
        }
    }

    @Test
    void pmpDeniesSupervisorAccessOutsideItsRegionsButNotMachine() {
        try (var m = new TestMachine().run(Programs.M_HANDLER + """
                # entry 0: NAPOT 0x80000000..+2 MiB RWX, entry 1: NAPOT 0x00000000..+2 MiB RW (halt device)
                li t0, (0x80000000 >> 2) | ((1 << 18) - 1)
                csrw pmpaddr0, t0
                li t0, (0x0 >> 2) | ((1 << 18) - 1)
                csrw pmpaddr1, t0
                li t0, 0x1f | (0x1b << 8)
                csrw pmpcfg0, t0
                li t1, 0x80300000
                sd t1, 0(t1)          # M-mode: allowed (no lock bit)
                """ + Programs.enter(1, "s") + """
                s: ld a0, 0(t1)
                halt
                """)) {
            assertThat(m.reg("s8")).isEqualTo(Trap.LOAD_ACCESS);
            assertThat(m.reg("s9")).isEqualTo(0x80300000L);
            assertThat(m.reg("s11")).isEqualTo(1);
        }
    }

    @Test
    void pmpAllowsSupervisorInsideAMatchingRegion() {
        try (var m = new TestMachine().run(Programs.M_HANDLER + """
                li t0, -1
                csrw pmpaddr0, t0
                li t0, 0x1f
                csrw pmpcfg0, t0
                li t1, 0x80300000
                li t2, 9
                sd t2, 0(t1)
                """ + Programs.enter(1, "s") + """
                s: ld a0, 0(t1)
                halt
                """)) {
            assertThat(m.reg("s8")).isZero();
            assertThat(m.reg("a0")).isEqualTo(9);
        }
    }
}
