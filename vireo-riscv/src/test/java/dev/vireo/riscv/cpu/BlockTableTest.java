package dev.vireo.riscv.cpu;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Harts of one machine share translated block classes ({@link BlockTable}): the second hart to
 * run code instantiates the class the first made instead of translating it again, never for
 * bytes that changed at the same address, and its registers, pc, instruction count, traps and
 * memory are exactly the interpreter's.
 */
class BlockTableTest {
    static final long SCRATCH = TranslatorTest.SCRATCH;

    /** A loop with loads, stores and ALU work in a scratch area of its own hart's. */
    static final String LOOP = """
            li s0, 0x80300000
            csrr t5, mhartid
            slli t5, t5, 9
            add s0, s0, t5
            li t0, 0
            li t1, 300
            loop:
              andi t2, t0, 63
              slli t2, t2, 3
              add t2, t2, s0
              ld t3, 0(t2)
              slli t4, t0, 1
              add t3, t3, t4
              sd t3, 0(t2)
              xor a0, a0, t3
              addi t0, t0, 1
              blt t0, t1, loop
            csrr s7, minstret
            halt
            """;

    /** What one hart left behind: x1..x31, pc, instret, then its scratch area. */
    static long[] state(TestMachine m, Hart h) {
        long[] s = new long[32 + 2 + 64];
        for (int i = 1; i < 32; i++) s[i] = h.x(i);
        s[32] = h.pc();
        s[33] = h.instret();
        for (int i = 0; i < 64; i++) s[34 + i] = m.readLong(SCRATCH + 512L * h.hartId() + 8L * i);
        return s;
    }

    /**
     * Loads {@code source} on a two-hart machine and runs hart 0 to its end, then (after
     * {@code between}, if any) hart 1, one after the other on this thread.
     */
    static long[][] runOneAfterTheOther(String source, Supplier<Translator> translators, Runnable between, TestMachine m) {
        m.load(source);
        for (Hart h : m.harts) h.setTranslator(translators.get());
        long[][] states = new long[2][];
        for (Hart h : m.harts) {
            if (h.hartId() == 1 && between != null) between.run();
            h.execute(0); // forget the stop the other hart's halt asked for
            h.execute(1_000_000);
            states[h.hartId()] = state(m, h);
        }
        return states;
    }

    static long[][] interpreted(String source, Runnable between) {
        try (TestMachine m = new TestMachine(2)) {
            return runOneAfterTheOther(source, () -> null, between, m);
        }
    }

    /** The classes of the blocks hart {@code h} has in RAM page 0 (where the programs are). */
    static Set<Class<?>> blockClasses(Hart h) {
        Set<Class<?>> classes = new HashSet<>();
        Block[] blocks = h.mmu.code.page(0).blocks;
        if (blocks != null) Arrays.stream(blocks).filter(Objects::nonNull).filter(b -> b != Block.NONE).forEach(b -> classes.add(b.getClass()));
        return classes;
    }

    @Test
    void secondHartInstantiatesTheFirstHartsClassesAndAgrees() {
        long[][] expected = interpreted(LOOP, null);
        try (TestMachine m = new TestMachine(2)) {
            long[][] actual = runOneAfterTheOther(LOOP, () -> new Translator(1), null, m);
            assertThat(actual[0]).as("hart 0, translating").isEqualTo(expected[0]);
            assertThat(actual[1]).as("hart 1, reusing").isEqualTo(expected[1]);
            Translator first = m.harts.get(0).translator(), second = m.harts.get(1).translator();
            assertThat(first.blocks).as("blocks translated by hart 0").isPositive();
            assertThat(second.blocks).as("blocks translated by hart 1").isZero();
            assertThat(second.reused).as("blocks hart 1 took from the table").isPositive();
            Set<Class<?>> classes = blockClasses(m.harts.get(1));
            assertThat(classes).isNotEmpty();
            assertThat(blockClasses(m.harts.get(0))).as("one class per block for both harts").containsAll(classes);
        }
    }

    @Test
    void codeChangedAtTheSameAddressIsTranslatedAgain() {
        // Between the harts the loop's xor becomes an or (same length, same place): hart 1 must
        // not run hart 0's class for the old bytes.
        String changed = LOOP.replace("xor a0, a0, t3", "or a0, a0, t3");
        byte[] newCode = Asm.assemble(changed);
        assertThat(newCode.length).isEqualTo(Asm.assemble(LOOP).length);
        long[][] expected;
        try (TestMachine m = new TestMachine(2)) {
            expected = runOneAfterTheOther(LOOP, () -> null, () -> m.ram.write(Asm.BASE, newCode), m);
        }
        try (TestMachine m = new TestMachine(2)) {
            long[][] actual = runOneAfterTheOther(LOOP, () -> new Translator(1), () -> m.ram.write(Asm.BASE, newCode), m);
            assertThat(actual[0]).as("hart 0, old code").isEqualTo(expected[0]);
            assertThat(actual[1]).as("hart 1, changed code").isEqualTo(expected[1]);
            assertThat(m.harts.get(1).translator().blocks).as("blocks hart 1 translated for the changed bytes").isPositive();
            assertThat(m.blockTable.replaced.get()).as("translations replaced in the table").isPositive();
        }
    }

    @Test
    void trapInAReusedBlockIsPrecise() {
        String walk = TranslatorTest.WALK_OFF_THE_END_OF_RAM;
        long[][] expected = interpreted(walk, null);
        try (TestMachine m = new TestMachine(2)) {
            long[][] actual = runOneAfterTheOther(walk, () -> new Translator(1), null, m);
            assertThat(actual[1]).as("hart 1, reusing").isEqualTo(expected[1]);
            assertThat(actual[1][Registers.number("s8")]).isEqualTo(Trap.LOAD_ACCESS);
            assertThat(actual[1][Registers.number("s10")]).as("mepc").isEqualTo(actual[1][Registers.number("a5")]);
            assertThat(m.harts.get(1).translator().reused).isPositive();
        }
    }

    @Test
    void heatOfAllHartsAddsUp() {
        // 300 passes on each hart: neither reaches a threshold of 500 alone, together they do.
        // (The halt macro's closing `j 1b` spins to the end of its batch: that one-instruction
        // block is translated in every case, so the loop's blocks are told apart by their length.)
        Supplier<Translator> shared = () -> new Translator(500, Translator.DEFAULT_HOT_THRESHOLD, false, true, 50);
        Supplier<Translator> alone = () -> new Translator(500, Translator.DEFAULT_HOT_THRESHOLD, false, false, 50);
        long[][] expected = interpreted(LOOP, null);
        try (TestMachine m = new TestMachine(2)) {
            assertThat(runOneAfterTheOther(LOOP, shared, null, m)).isEqualTo(expected);
            assertThat(m.harts.get(0).translator().instructions).as("instructions in blocks hart 0 translated").isLessThanOrEqualTo(1);
            assertThat(m.harts.get(1).translator().instructions).as("instructions in blocks hart 1 translated").isGreaterThan(1);
        }
        try (TestMachine m = new TestMachine(2)) {
            assertThat(runOneAfterTheOther(LOOP, alone, null, m)).isEqualTo(expected);
            assertThat(m.harts.get(1).translator().instructions).as("instructions in blocks hart 1 translated without sharing").isLessThanOrEqualTo(1);
        }
    }

    @Test
    void blocksMadeInTheBackgroundAreShared() throws Exception {
        long[][] expected = interpreted(LOOP, null);
        try (TestMachine m = new TestMachine(2)) {
            Supplier<Translator> background = () -> new Translator(1, Translator.DEFAULT_HOT_THRESHOLD, true);
            long[][] actual = runOneAfterTheOther(LOOP, background, () -> {
                try {
                    m.harts.get(0).translator().awaitIdle();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }, m);
            assertThat(actual).isEqualTo(expected);
            m.harts.get(1).translator().awaitIdle();
            assertThat(m.harts.get(1).translator().blocks).as("blocks translated again for hart 1").isZero();
            assertThat(m.harts.get(1).translator().reused).as("blocks hart 1 took from the table").isPositive();
        }
    }
}
