package dev.vireo.riscv.cpu;

import dev.vireo.machine.memory.GuestMemory;

/**
 * Builds Sv39/Sv48 page tables in a test machine's RAM (privileged §4.3-4.4): the root at
 * 0x8040_0000, tables allocated after it, and identity gigapages for the device window
 * (0-1 GiB) and the program (2-3 GiB).
 */
final class PageTables {
    static final long V = 1, R = 2, W = 4, X = 8, U = 16, G = 32, A = 64, D = 128;
    static final long ROOT = 0x8040_0000L;
    private final GuestMemory ram;
    private final int levels;
    private long next = ROOT + 0x1000;

    PageTables(GuestMemory ram, int levels) {
        this.ram = ram;
        this.levels = levels;
        if (levels == 3) {
            ram.writeLong(ROOT, pte(0, V | R | W | A | D));
            ram.writeLong(ROOT + 2 * 8, pte(0x8000_0000L, V | R | W | X | A | D));
        } else {
            long l2 = next;
            next += 0x1000;
            ram.writeLong(ROOT, pte(l2, V));
            ram.writeLong(l2, pte(0, V | R | W | A | D));
            ram.writeLong(l2 + 2 * 8, pte(0x8000_0000L, V | R | W | X | A | D));
        }
    }

    static long pte(long pa, long flags) { return (pa >>> 12) << 10 | flags; }

    /** satp value selecting these tables (ASID 0). */
    long satp() { return (levels == 3 ? 8L : 9L) << 60 | ROOT >>> 12; }

    /** Maps the 4 KiB page at {@code va} to {@code pa}; returns the PTE's physical address. */
    long map(long va, long pa, long flags) {
        long table = ROOT;
        for (int level = levels - 1; level > 0; level--) {
            long entry = table + ((va >>> (12 + 9 * level)) & 511) * 8;
            long pte = ram.readLong(entry);
            if ((pte & V) == 0) {
                pte = pte(next, V);
                next += 0x1000;
                ram.writeLong(entry, pte);
            }
            table = (pte >>> 10) << 12;
        }
        long entry = table + ((va >>> 12) & 511) * 8;
        ram.writeLong(entry, pte(pa, flags));
        return entry;
    }
}
