package dev.vireo.riscv.cpu;

import java.util.Arrays;

/**
 * One hart's decoded-instruction cache, indexed by guest RAM page. It stays coherent with the
 * hart's own stores (the write TLB never maps a page that has decoded code, so every store to
 * one takes the slow path, which drops the page) and with FENCE.I, which drops everything: other
 * harts' stores and device DMA become visible at the next FENCE.I, as the ISA requires
 * (unprivileged §3.2, "Zifencei"). Owned by the hart's thread.
 */
final class CodeCache {
    private final DecodedPage[] pages;
    private final int[] live = new int[8192];
    private int liveCount;
    private final Mmu mmu;

    CodeCache(long ramSize, Mmu mmu) {
        this.pages = new DecodedPage[(int) (ramSize >>> 12)];
        this.mmu = mmu;
    }

    /** The decoded page for RAM page {@code ramPage}, created empty if needed. */
    DecodedPage page(int ramPage) {
        DecodedPage p = pages[ramPage];
        if (p == null) {
            p = new DecodedPage((long) ramPage << 12);
            pages[ramPage] = p;
            if (liveCount == live.length) invalidateAll();
            live[liveCount++] = ramPage;
            mmu.flushWrite(); // the page now holds code: its stores must take the slow path
        }
        return p;
    }

    boolean has(int ramPage) { return pages[ramPage] != null; }

    /**
     * Drops RAM page {@code ramPage} after a store to it. Its slots are cleared too, so an
     * interpreter still running from the page re-decodes the next instruction from memory.
     */
    void invalidate(int ramPage) {
        DecodedPage p = pages[ramPage];
        if (p != null) {
            Arrays.fill(p.code, 0);
            pages[ramPage] = null;
        }
    }

    void invalidateAll() {
        if (liveCount == live.length) Arrays.fill(pages, null);
        else for (int i = 0; i < liveCount; i++) pages[live[i]] = null;
        liveCount = 0;
    }
}
