package dev.vireo.riscv.cpu;

import org.junit.jupiter.api.Test;

import static dev.vireo.riscv.cpu.PageTables.*;
import static org.assertj.core.api.Assertions.assertThat;

/** Sv39/Sv48 translation, permissions, page faults and A/D updates (privileged §4.3-4.4). */
class MmuTest {
    static final long VA = 0x4000_0000L, PA = 0x8050_0000L;

    /** Runs {@code body} in S-mode with translation on after {@code setup} built the tables. */
    private static TestMachine runSupervisor(int levels, java.util.function.Consumer<PageTables> setup, String body, String preamble) {
        var m = new TestMachine();
        m.load(Programs.M_HANDLER + preamble + "sfence.vma\n" + Programs.enter(1, "s") + "s:\n" + body + "\nhalt\n");
        PageTables tables = new PageTables(m.ram, levels);
        setup.accept(tables);
        satpForRun = tables.satp();
        return m;
    }

    private static long satpForRun;

    private static TestMachine start(TestMachine m) {
        // satp is loaded by the guest from a0 (set below) so the program stays position-independent.
        m.hart().x[10] = satpForRun;
        return m.start();
    }

    private static TestMachine run(int levels, java.util.function.Consumer<PageTables> setup, String body) {
        return start(runSupervisor(levels, setup, body, "csrw satp, a0\n"));
    }

    @Test
    void loadsAndStoresGoThroughTheMappingAndSetAccessedAndDirty() {
        long[] pte = new long[1];
        try (var m = run(3, t -> pte[0] = t.map(VA, PA, V | R | W), """
                li t1, 0x40000000
                li t2, 0x1234
                sd t2, 8(t1)
                ld a0, 8(t1)
                """)) {
            assertThat(m.reg("s8")).as("no trap, mtval=0x%x", m.reg("s9")).isZero();
            assertThat(m.reg("a0")).isEqualTo(0x1234);
            assertThat(m.readLong(PA + 8)).isEqualTo(0x1234);
            assertThat(m.readLong(pte[0]) & (A | D)).isEqualTo(A | D);
        }
    }

    @Test
    void loadSetsOnlyTheAccessedBit() {
        long[] pte = new long[1];
        try (var m = run(3, t -> pte[0] = t.map(VA, PA, V | R | W), "li t1, 0x40000000\nld a0, 0(t1)")) {
            assertThat(m.readLong(pte[0]) & (A | D)).isEqualTo(A);
        }
    }

    @Test
    void unmappedLoadIsALoadPageFaultWithTheVirtualAddress() {
        try (var m = run(3, t -> { }, "li t1, 0x40000123\nld a0, 0(t1)")) {
            assertThat(m.reg("s8")).isEqualTo(Trap.LOAD_PAGE_FAULT);
            assertThat(m.reg("s9")).isEqualTo(0x40000123L);
            assertThat(m.reg("s11")).isEqualTo(1);
        }
    }

    @Test
    void storeToReadOnlyPageIsAStorePageFault() {
        try (var m = run(3, t -> t.map(VA, PA, V | R | A), "li t1, 0x40000010\nsw zero, 0(t1)")) {
            assertThat(m.reg("s8")).isEqualTo(Trap.STORE_PAGE_FAULT);
            assertThat(m.reg("s9")).isEqualTo(0x40000010L);
        }
    }

    @Test
    void amoOnReadOnlyPageIsAStorePageFault() {
        try (var m = run(3, t -> t.map(VA, PA, V | R | A), "li t1, 0x40000010\namoadd.w a0, t1, (t1)")) {
            assertThat(m.reg("s8")).isEqualTo(Trap.STORE_PAGE_FAULT);
        }
    }

    @Test
    void fetchFromNonExecutablePageIsAnInstructionPageFault() {
        try (var m = run(3, t -> t.map(VA, PA, V | R | W | A | D), "li t1, 0x40000000\njr t1")) {
            assertThat(m.reg("s8")).isEqualTo(Trap.INSTRUCTION_PAGE_FAULT);
            assertThat(m.reg("s9")).isEqualTo(VA);
            assertThat(m.reg("s10")).isEqualTo(VA);
        }
    }

    @Test
    void supervisorNeedsSumToTouchUserPages() {
        try (var m = run(3, t -> t.map(VA, PA, V | R | W | U | A | D), """
                li t1, 0x40000000
                li t0, 1 << 18
                csrs sstatus, t0
                ld a0, 0(t1)
                li a1, 7
                csrc sstatus, t0
                ld a2, 0(t1)
                """)) {
            assertThat(m.reg("a1")).as("load with SUM=1 succeeded").isEqualTo(7);
            assertThat(m.reg("s8")).isEqualTo(Trap.LOAD_PAGE_FAULT);
        }
    }

    @Test
    void mxrMakesExecuteOnlyPagesReadable() {
        try (var m = run(3, t -> t.map(VA, PA, V | X | A), """
                li t1, 0x40000000
                li t0, 1 << 19
                csrs sstatus, t0
                ld a0, 0(t1)
                li a1, 7
                csrc sstatus, t0
                ld a2, 0(t1)
                """)) {
            assertThat(m.reg("a1")).isEqualTo(7);
            assertThat(m.reg("s8")).isEqualTo(Trap.LOAD_PAGE_FAULT);
        }
    }

    @Test
    void sv48TranslatesFourLevels() {
        long va = 0x0000_7F00_1234_5000L;
        try (var m = run(4, t -> t.map(va, PA, V | R | W | A | D), """
                li t1, 0x00007f0012345000
                li t2, 77
                sd t2, 0(t1)
                ld a0, 0(t1)
                """)) {
            assertThat(m.reg("s8")).isZero();
            assertThat(m.reg("a0")).isEqualTo(77);
            assertThat(m.readLong(PA)).isEqualTo(77);
        }
    }

    @Test
    void nonCanonicalAddressIsAPageFault() {
        try (var m = run(3, t -> { }, "li t1, 0x0000008000000000\nld a0, 0(t1)")) {
            assertThat(m.reg("s8")).isEqualTo(Trap.LOAD_PAGE_FAULT);
            assertThat(m.reg("s9")).isEqualTo(0x0000008000000000L);
        }
    }

    @Test
    void sfenceVmaMakesANewMappingVisible() {
        try (var m = run(3, t -> {
            t.map(VA, PA, V | R | W | A | D);
            t.map(VA + 0x1000, PA + 0x1000, V | R | W | A | D);
        }, """
                li t1, 0x40000000
                li t2, 5
                sd t2, 0(t1)
                # remap VA to PA+0x1000 by rewriting the PTE through the identity gigapage
                li t3, 0x80402000     # level-0 table (root, level-1, level-0 allocated in order)
                ld t4, 8(t3)
                sd t4, 0(t3)
                sfence.vma
                ld a0, 0(t1)
                """)) {
            assertThat(m.reg("s8")).isZero();
            assertThat(m.reg("a0")).isZero();
        }
    }

    @Test
    void delegatedPageFaultsReachTheSupervisorHandler() {
        try (var m = start(runSupervisor(3, t -> { }, "li t1, 0x40000008\nsd zero, 0(t1)",
                "csrw satp, a0\nli t0, 1 << 15\ncsrw medeleg, t0\n" + Programs.S_HANDLER))) {
            assertThat(m.reg("s4")).isEqualTo(Trap.STORE_PAGE_FAULT);
            assertThat(m.reg("s5")).isEqualTo(0x40000008L);
            assertThat(m.reg("s7")).as("SPP = S").isEqualTo(1);
            assertThat(m.reg("s8")).isZero();
        }
    }

    /** Replaces the level-1 entry covering VA (the first table allocated after the root) with a 2 MiB leaf. */
    private static void megapage(PageTables t, TestMachine m, long pa) {
        t.map(VA, PA, V | R | W | A | D);
        m.ram.writeLong(ROOT + 0x1000, pte(pa, V | R | W | A | D));
    }

    @Test
    void megapageTranslatesTheLow21BitsFromTheVirtualAddress() {
        var m = runSupervisor(3, t -> { }, "li t1, 0x40012348\nli t2, 5\nsd t2, 0(t1)\nld a0, 0(t1)", "csrw satp, a0\n");
        megapage(new PageTables(m.ram, 3), m, 0x8060_0000L);
        try (m) {
            start(m);
            assertThat(m.reg("s8")).isZero();
            assertThat(m.readLong(0x8061_2348L)).isEqualTo(5);
        }
    }

    @Test
    void misalignedMegapageIsAPageFault() {
        var m = runSupervisor(3, t -> { }, "li t1, 0x40000000\nld a0, 0(t1)", "csrw satp, a0\n");
        megapage(new PageTables(m.ram, 3), m, 0x8060_1000L);
        try (m) {
            start(m);
            assertThat(m.reg("s8")).isEqualTo(Trap.LOAD_PAGE_FAULT);
        }
    }
}
