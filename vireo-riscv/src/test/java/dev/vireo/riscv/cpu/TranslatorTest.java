package dev.vireo.riscv.cpu;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Translated blocks ({@link Translator}) behave exactly like the interpreter: each program runs
 * interpreted, with every block translated on first sight, and with every block translated again
 * as hot after its first run; the registers, pc,
 * retired-instruction count and scratch memory must agree. Covers traps in the middle of a block
 * and of a block's loop, stores into the running block's page, and an instruction budget that
 * ends inside a block.
 */
class TranslatorTest {
    static final long SCRATCH = 0x8030_0000L;

    /** An M-mode trap handler that records minstret, mcause, mtval and mepc in s7..s10, then halts. */
    static final String HANDLER = """
            la t0, handler
            csrw mtvec, t0
            j handler_end
            .align 2
            handler:
              csrr s7, minstret
              csrr s8, mcause
              csrr s9, mtval
              csrr s10, mepc
              halt
            handler_end:
            """;

    /** Sums doublewords upward from 64 bytes below the end of RAM until the load past it traps (s0 counts the loads). */
    static final String WALK_OFF_THE_END_OF_RAM = HANDLER + """
                la a5, walk
                li t1, 0x807fffc0        # 8 doublewords below the end of RAM
                li s0, 0
                li s1, 0
                walk:
                  ld t2, 0(t1)
                  addi s0, s0, 1
                  add s1, s1, t2
                  addi t1, t1, 8
                  j walk
                """;

    /** What a run leaves behind. */
    record State(long[] x, long pc, long instret, long[] scratch, long blocks, long translated) {
        long reg(String name) { return x[Registers.number(name)]; }
    }

    static State run(String source, Translator translator, long instructions) {
        try (TestMachine m = new TestMachine()) {
            m.load(source);
            m.hart().setTranslator(translator);
            if (instructions > 0) m.hart().execute(instructions);
            else m.start();
            long[] x = new long[32];
            for (int i = 0; i < 32; i++) x[i] = m.hart().x(i);
            long[] scratch = new long[64];
            for (int i = 0; i < scratch.length; i++) scratch[i] = m.readLong(SCRATCH + 8L * i);
            return new State(x, m.hart().pc(), m.hart().instret(), scratch, translator == null ? 0 : translator.blocks,
                    translator == null ? 0 : translator.instructions);
        }
    }

    /** Runs {@code source} interpreted and translated; asserts they agree and returns the translated run. */
    static State both(String source, long instructions) {
        State interpreted = run(source, null, instructions);
        State translated = run(source, new Translator(1), instructions);
        agree(interpreted, translated, "translated");
        // Every block translated again as hot after its first run: the HotBlock path agrees too.
        agree(interpreted, run(source, new Translator(1, 1), instructions), "translated again as hot");
        return translated;
    }

    private static void agree(State interpreted, State translated, String mode) {
        assertThat(translated.blocks()).as("blocks translated").isPositive();
        assertThat(translated.x()).as("registers, " + mode).isEqualTo(interpreted.x());
        assertThat(translated.pc()).as("pc, " + mode).isEqualTo(interpreted.pc());
        assertThat(translated.instret()).as("instret, " + mode).isEqualTo(interpreted.instret());
        assertThat(Arrays.equals(translated.scratch(), interpreted.scratch())).as("scratch memory, " + mode).isTrue();
    }

    static State both(String source) { return both(source, 0); }

    @Test
    void integerLoopWithLoadsAndStoresAgrees() {
        State s = both("""
                li s0, 0x80300000
                li t0, 0
                li t1, 40
                fill:                    # scratch[i] = i * 0x0101010101 - 7, mixed-width stores
                  li t2, 0x0101010101
                  mul t2, t2, t0
                  addi t2, t2, -7
                  slli t3, t0, 3
                  add t3, t3, s0
                  sd t2, 0(t3)
                  sb t0, 1(t3)
                  sh t1, 2(t3)
                  addi t0, t0, 1
                  blt t0, t1, fill
                li a0, 0
                li t0, 0
                sum:
                  slli t3, t0, 3
                  add t3, t3, s0
                  ld t2, 0(t3)
                  lw t4, 4(t3)
                  lbu t5, 1(t3)
                  lhu a2, 2(t3)
                  lwu a3, 4(t3)
                  xor a0, a0, t2
                  add a0, a0, t4
                  sub a0, a0, t5
                  sraiw a4, a0, 3
                  srliw a5, a0, 5
                  sllw a6, a0, t0
                  sltu a7, a0, t2
                  slt s2, t2, a0
                  div s3, a0, t1
                  remu s4, a0, t0
                  sh2add s5, t0, a0
                  addw a0, a0, a4
                  subw a0, a0, a5
                  add a0, a0, a6
                  add a0, a0, a7
                  add a0, a0, s2
                  add a0, a0, s3
                  add a0, a0, s4
                  add a0, a0, s5
                  add a0, a0, a2
                  add a0, a0, a3
                  addi t0, t0, 1
                  bltu t0, t1, sum
                csrr s7, minstret
                halt
                """);
        assertThat(s.reg("t0")).isEqualTo(40);
    }

    @Test
    void trapInTheMiddleOfABlockIsPrecise() {
        State s = both(HANDLER + """
                li a0, 1
                li a1, 2
                addi a2, a0, 5
                li t1, 8
                la a5, fault
                fault: ld a3, 0(t1)      # nothing at address 8: load access fault
                li a4, 77                # must not run
                halt
                """);
        assertThat(s.reg("s8")).isEqualTo(Trap.LOAD_ACCESS);
        assertThat(s.reg("s9")).isEqualTo(8);
        assertThat(s.reg("s10")).as("mepc").isEqualTo(s.reg("a5"));
        assertThat(s.reg("a2")).isEqualTo(6);
        assertThat(s.reg("a4")).isZero();
    }

    @Test
    void trapInALaterPassOfABlockLoopIsPrecise() {
        State s = both(WALK_OFF_THE_END_OF_RAM);
        assertThat(s.reg("s8")).isEqualTo(Trap.LOAD_ACCESS);
        assertThat(s.reg("s9")).isEqualTo(0x8080_0000L);
        assertThat(s.reg("s0")).isEqualTo(8);
        assertThat(s.reg("s10")).as("mepc").isEqualTo(s.reg("a5"));
    }

    @Test
    void storeIntoTheRunningBlocksPageTakesEffectAtTheNextInstruction() {
        State s = both("""
                li s0, 0
                again:
                la t1, next
                li t2, 0x06300593       # addi a1, zero, 99
                .option push
                .option norvc
                sw t2, 0(t1)
                next: addi a1, zero, 1
                .option pop
                add s0, s0, a1
                li t2, 0x00100593       # addi a1, zero, 1: restore, run again
                sw t2, 0(t1)
                fence.i
                addi s1, s1, 1
                li t3, 3
                blt s1, t3, again
                csrr s7, minstret
                halt
                """);
        assertThat(s.reg("s0")).isEqualTo(3 * 99);
    }

    @Test
    void pauseInASpinLoopEndsTheBlockAndRetires() {
        // PAUSE stays with the interpreter (a spin hint to the host): blocks end before it.
        State s = both("""
                li t0, 0
                spin:
                  addi t0, t0, 1
                  .word 0x0100000f      # pause
                  li t1, 100
                  blt t0, t1, spin
                csrr s7, minstret
                halt
                """);
        assertThat(s.reg("t0")).isEqualTo(100);
        assertThat(s.reg("s7")).as("minstret: li, 100 passes of 4, and the csrr itself").isEqualTo(402);
    }

    @Test
    void fencesStayInsideTheirBlock() {
        // A lock-style loop: fence rw,rw, fence r,rw (acquire) and fence rw,w (release) between
        // the loads and stores. FENCE is translated (a full host fence), so the loop is still
        // one block: as many blocks and translated instructions as the same program with nops
        // in their place.
        String program = """
                li s0, 0x80300000
                li t0, 0
                li t1, 300
                loop:
                  ld t2, 0(s0)
                  FENCE1
                  addi t2, t2, 3
                  FENCE2
                  sd t2, 0(s0)
                  FENCE3
                  sd t0, 8(s0)
                  addi t0, t0, 1
                  blt t0, t1, loop
                csrr s7, minstret
                halt
                """;
        State fenced = both(program.replace("FENCE1", ".word 0x0330000f").replace("FENCE2", ".word 0x0230000f")
                .replace("FENCE3", ".word 0x0310000f"));
        State nops = both(program.replace("FENCE1", "nop").replace("FENCE2", "nop").replace("FENCE3", "nop"));
        assertThat(fenced.scratch()[0]).isEqualTo(900);
        assertThat(fenced.reg("s7")).as("minstret: each fence retires as one instruction, like the nop")
                .isEqualTo(nops.reg("s7")).isGreaterThan(2700);
        assertThat(fenced.blocks()).as("blocks translated").isEqualTo(nops.blocks());
        assertThat(fenced.translated()).as("instructions translated").isEqualTo(nops.translated());
    }

    /** A loop whose block has a forward branch out of its middle and a backward one to its start from the middle. */
    static final String BRANCHY_LOOP = """
            li s0, 0x80300000
            li t0, 0
            li t1, 1000
            li a0, 0
            j loop
            .align 8                 # at BASE + 0x100
            loop:
              addi t0, t0, 1
              andi t2, t0, 3
              beqz t2, four        # taken every 4th pass: leaves the block half-way
              add a0, a0, t0
              andi t3, t0, 1
              bnez t3, loop        # taken on odd passes: back to the start from the middle
              sd a0, 0(s0)
              blt t0, t1, loop
              j done
            four:
              addi a0, a0, 7
              blt t0, t1, loop
            done:
              sd a0, 8(s0)
              csrr s7, minstret
              halt
            """;

    @Test
    void blocksRunOnPastBranchesNotTakenAndLeaveWhereOneIs() {
        State s = both(BRANCHY_LOOP);
        assertThat(s.reg("t0")).isEqualTo(1000);
        for (long budget : new long[] {3, 9, 100, 4096, 4101}) both(BRANCHY_LOOP, budget);
        // The block from `loop` runs through both conditional branches up to the jump.
        try (TestMachine m = new TestMachine()) {
            m.load(BRANCHY_LOOP);
            long loop = Asm.BASE + 0x100;
            DecodedPage page = m.hart().mmu.fetchPage(loop);
            Block block = new Translator(1).translate(page, (int) (loop & 0xFFF) >>> 1);
            assertThat(block.length).as("instructions in the block from loop").isEqualTo(9);
        }
    }

    @Test
    void budgetEndingInsideABlockStopsAtTheSameInstruction() {
        String loop = """
                li t0, 0
                li t1, 0
                spin:
                  addi t0, t0, 1
                  add t1, t1, t0
                  xori t2, t1, 5
                  bnez t0, spin
                """;
        for (long budget : new long[] {1, 7, 4096, 4097, 10_001, 123_457}) {
            State s = both(loop, budget);
            assertThat(s.instret()).as("instructions retired with budget %d", budget).isEqualTo(budget);
        }
    }
    @Test
    void blocksTranslatedInTheBackgroundAgree() throws Exception {
        String program = """
                li s0, 0x80300000
                li t0, 0
                li t1, 5000
                loop:                    # scratch[i % 64] += i * 3, with a load, an ALU chain and a store
                  andi t2, t0, 63
                  slli t2, t2, 3
                  add t2, t2, s0
                  ld t3, 0(t2)
                  slli t4, t0, 1
                  add t4, t4, t0
                  add t3, t3, t4
                  sd t3, 0(t2)
                  addi t0, t0, 1
                  blt t0, t1, loop
                csrr s7, minstret
                halt
                """;
        long[] interpreted = runInTwoParts(program, null);
        Translator background = new Translator(1, Translator.DEFAULT_HOT_THRESHOLD, true);
        assertThat(runInTwoParts(program, background)).isEqualTo(interpreted);
        assertThat(background.blocks).as("blocks translated in the background").isPositive();
    }

    /** Runs 100 instructions, waits for the background translations they asked for, runs to the end; returns x1..x31, pc, instret and scratch. */
    private static long[] runInTwoParts(String program, Translator translator) throws InterruptedException {
        try (TestMachine m = new TestMachine()) {
            m.load(program);
            m.hart().setTranslator(translator);
            m.hart().execute(100);
            if (translator != null) translator.awaitIdle();
            m.start();
            long[] state = new long[32 + 2 + 64];
            for (int i = 1; i < 32; i++) state[i] = m.hart().x(i);
            state[32] = m.hart().pc();
            state[33] = m.hart().instret();
            for (int i = 0; i < 64; i++) state[34 + i] = m.readLong(SCRATCH + 8L * i);
            return state;
        }
    }
}
