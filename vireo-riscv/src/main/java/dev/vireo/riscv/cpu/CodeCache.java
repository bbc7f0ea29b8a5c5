package dev.vireo.riscv.cpu;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * One hart's decoded-instruction cache, indexed by guest RAM page. It stays coherent with the
 * hart's own stores (the write TLB never maps a page that has decoded code, so every store to
 * one takes the slow path, which drops the page) and with FENCE.I: other harts' stores and
 * device DMA become visible at the next FENCE.I, as the ISA requires (unprivileged ch. 3,
 * "Zifencei"). FENCE.I starts a new epoch; a page from an older epoch is compared with memory
 * the next time it is entered and kept only if it is unchanged, so the frequent FENCE.Is of a
 * booting kernel (code patching, new executable user pages) do not discard all decoded code.
 * Owned by the hart's thread.
 */
final class CodeCache {
    private final DecodedPage[] pages;
    private final MemorySegment ram;
    private final Mmu mmu;
    private int epoch;
    /** Counters for the debug statistics ({@code -Dvireo.riscv.trace=stats}). */
    long created, invalidated, verified, verifyFailed, fences;

    CodeCache(long ramSize, MemorySegment ram, Mmu mmu) {
        this.pages = new DecodedPage[(int) (ramSize >>> 12)];
        this.ram = ram;
        this.mmu = mmu;
    }

    /** The decoded page for RAM page {@code ramPage}, created (or re-created if memory changed) as needed. */
    DecodedPage page(int ramPage) {
        DecodedPage p = pages[ramPage];
        if (p != null && (p.epoch == epoch || verify(p))) return p;
        created++;
        p = new DecodedPage((long) ramPage << 12, ram, epoch);
        pages[ramPage] = p;
        mmu.flushWrite(); // the page now holds code: its stores must take the slow path
        return p;
    }

    /** True if {@code p} is still this cache's page for its RAM page and known to match memory. */
    boolean current(DecodedPage p) {
        return p.epoch == epoch && !p.dropped;
    }

    /** True if {@code p}'s snapshot still matches memory; it then joins the current epoch. */
    private boolean verify(DecodedPage p) {
        verified++;
        if (MemorySegment.mismatch(p.snapshot, 0, 4096, ram, p.ramOffset, p.ramOffset + 4096) != -1) {
            verifyFailed++;
            return false;
        }
        p.epoch = epoch;
        return true;
    }

    boolean has(int ramPage) { return pages[ramPage] != null; }

    /**
     * Drops RAM page {@code ramPage} before a store to it. Its slots are cleared too, so an
     * interpreter still running from the page notices and fetches the page afresh.
     */
    void invalidate(int ramPage) {
        DecodedPage p = pages[ramPage];
        if (p != null) {
            invalidated++;
            p.dropped = true;
            Arrays.fill(p.slots, 0);
            pages[ramPage] = null;
        }
    }

    /** FENCE.I: every page must be checked against memory before it is used again. */
    void fence() {
        fences++;
        epoch++;
    }

    String statistics() {
        return String.format("code pages created %d, invalidated by stores %d, verified %d (changed %d), fence.i %d",
                created, invalidated, verified, verifyFailed, fences);
    }

    /** Drops everything (reset). */
    void invalidateAll() { Arrays.fill(pages, null); }
}
