package dev.vireo.riscv.cpu;

import dev.vireo.machine.bus.MmioBus;
import dev.vireo.machine.memory.GuestMemory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * Address translation and memory access of one hart (RISC-V privileged 1.12 §4.3-4.4 Sv39/Sv48,
 * §3.7 PMP): the page walk with atomic A/D updates, permission checks, and three direct-mapped
 * software TLBs (fetch, load, store) whose entries map a virtual page straight to an offset in
 * guest RAM. A TLB tag is the virtual page number plus the effective privilege, so trap entry
 * and return need no flush; satp, sfence.vma, SUM/MXR and PMP writes flush.
 *
 * <p>RAM accesses that miss, cross a page, or hit device memory take the slow paths here;
 * misaligned RAM accesses are performed transparently. Owned by the hart's thread.
 */
final class Mmu {
    static final int TLB_SIZE = 1024, MASK = TLB_SIZE - 1;
    static final int FETCH = 0, LOAD = 1, STORE = 2;
    static final long V = 1, R = 2, W = 4, X = 8, U = 16, A = 64, D = 128;
    private static final long PPN_MASK = (1L << 44) - 1;
    private static final VarHandle PTE = ValueLayout.JAVA_LONG.varHandle();

    final long[] rTag = new long[TLB_SIZE], rAdd = new long[TLB_SIZE];
    final long[] wTag = new long[TLB_SIZE], wAdd = new long[TLB_SIZE];
    final long[] xTag = new long[TLB_SIZE], xAdd = new long[TLB_SIZE];
    /** Tag bits of the current data and fetch privilege. */
    long ctxData, ctxFetch;
    int dataPriv;

    final MemorySegment seg;
    final long ramBase, ramSize;
    private final MmioBus bus;
    private final Hart hart;
    final CodeCache code;
    /** Set by {@link #translate}: the result may be cached for the whole page. */
    private boolean cacheable;

    Mmu(Hart hart, GuestMemory ram, MmioBus bus) {
        this.hart = hart;
        this.seg = ram.segment();
        this.ramBase = ram.base();
        this.ramSize = ram.size();
        this.bus = bus;
        this.code = new CodeCache(ramSize, this);
        flush();
    }

    void flush() {
        Arrays.fill(rTag, -1);
        Arrays.fill(wTag, -1);
        Arrays.fill(xTag, -1);
    }

    void flushWrite() { Arrays.fill(wTag, -1); }

    /** Recomputes the effective privileges after a change of privilege, MPRV or MPP. */
    void updateContext() {
        int p = hart.priv;
        long ms = hart.csr.mstatus;
        dataPriv = (p == 3 && (ms & Csr.MPRV) != 0) ? (int) ((ms & Csr.MPP) >>> 11) : p;
        ctxData = (long) dataPriv << 52;
        ctxFetch = (long) p << 52;
    }

    // ---- fast paths (small enough for HotSpot to inline into the interpreter) ----

    long lb(long va) {
        int i = (int) (va >>> 12) & MASK;
        if (rTag[i] == ((va >>> 12) | ctxData)) return seg.get(GuestMemory.BYTE, va + rAdd[i]);
        return (byte) load(va, 1);
    }

    long lh(long va) {
        int i = (int) (va >>> 12) & MASK;
        if (rTag[i] == ((va >>> 12) | ctxData) && (va & 0xFFF) <= 4094) return seg.get(GuestMemory.SHORT, va + rAdd[i]);
        return (short) load(va, 2);
    }

    long lw(long va) {
        int i = (int) (va >>> 12) & MASK;
        if (rTag[i] == ((va >>> 12) | ctxData) && (va & 0xFFF) <= 4092) return seg.get(GuestMemory.INT, va + rAdd[i]);
        return (int) load(va, 4);
    }

    long ld(long va) {
        int i = (int) (va >>> 12) & MASK;
        if (rTag[i] == ((va >>> 12) | ctxData) && (va & 0xFFF) <= 4088) return seg.get(GuestMemory.LONG, va + rAdd[i]);
        return load(va, 8);
    }

    void sb(long va, long v) {
        int i = (int) (va >>> 12) & MASK;
        if (wTag[i] == ((va >>> 12) | ctxData)) seg.set(GuestMemory.BYTE, va + wAdd[i], (byte) v);
        else store(va, 1, v);
    }

    void sh(long va, long v) {
        int i = (int) (va >>> 12) & MASK;
        if (wTag[i] == ((va >>> 12) | ctxData) && (va & 0xFFF) <= 4094) seg.set(GuestMemory.SHORT, va + wAdd[i], (short) v);
        else store(va, 2, v);
    }

    void sw(long va, long v) {
        int i = (int) (va >>> 12) & MASK;
        if (wTag[i] == ((va >>> 12) | ctxData) && (va & 0xFFF) <= 4092) seg.set(GuestMemory.INT, va + wAdd[i], (int) v);
        else store(va, 4, v);
    }

    void sd(long va, long v) {
        int i = (int) (va >>> 12) & MASK;
        if (wTag[i] == ((va >>> 12) | ctxData) && (va & 0xFFF) <= 4088) seg.set(GuestMemory.LONG, va + wAdd[i], v);
        else store(va, 8, v);
    }

    // ---- slow paths ----

    /** Loads {@code size} bytes at {@code va}, zero-extended. */
    long load(long va, int size) {
        if ((va & 0xFFF) + size > 4096) {
            long v = 0;
            for (int k = 0; k < size; k++) v |= (load(va + k, 1) & 0xFF) << (8 * k);
            return v;
        }
        long pa = translate(va, LOAD, dataPriv, size);
        long off = pa - ramBase;
        if (off >= 0 && off <= ramSize - size) {
            if (cacheable) {
                int i = (int) (va >>> 12) & MASK;
                rTag[i] = (va >>> 12) | ctxData;
                rAdd[i] = (off & ~0xFFFL) - (va & ~0xFFFL);
            }
            return readRam(off, size);
        }
        if ((pa & (size - 1)) != 0) throw hart.trap.set(Trap.LOAD_ACCESS, va);
        try {
            return bus.read(pa, size);
        } catch (MmioBus.UnmappedAccessException e) {
            throw hart.trap.set(Trap.LOAD_ACCESS, va);
        }
    }

    void store(long va, int size, long value) {
        if ((va & 0xFFF) + size > 4096) {
            // Translate both pages first so a fault leaves memory unchanged.
            translate(va, STORE, dataPriv, 1);
            translate(va + size - 1, STORE, dataPriv, 1);
            for (int k = 0; k < size; k++) store(va + k, 1, value >>> (8 * k));
            return;
        }
        long pa = translate(va, STORE, dataPriv, size);
        long off = pa - ramBase;
        if (off >= 0 && off <= ramSize - size) {
            int page = (int) (off >>> 12);
            if (code.has(page)) code.invalidate(page);
            if (cacheable) {
                int i = (int) (va >>> 12) & MASK;
                long add = (off & ~0xFFFL) - (va & ~0xFFFL);
                wTag[i] = (va >>> 12) | ctxData;
                wAdd[i] = add;
                rTag[i] = wTag[i];
                rAdd[i] = add;
            }
            writeRam(off, size, value);
            return;
        }
        if ((pa & (size - 1)) != 0) throw hart.trap.set(Trap.STORE_ACCESS, va);
        try {
            bus.write(pa, size, size == 8 ? value : value & ((1L << (8 * size)) - 1));
        } catch (MmioBus.UnmappedAccessException e) {
            throw hart.trap.set(Trap.STORE_ACCESS, va);
        }
    }

    long readRam(long off, int size) {
        return switch (size) {
            case 1 -> seg.get(GuestMemory.BYTE, off) & 0xFFL;
            case 2 -> seg.get(GuestMemory.SHORT, off) & 0xFFFFL;
            case 4 -> seg.get(GuestMemory.INT, off) & 0xFFFFFFFFL;
            default -> seg.get(GuestMemory.LONG, off);
        };
    }

    void writeRam(long off, int size, long v) {
        switch (size) {
            case 1 -> seg.set(GuestMemory.BYTE, off, (byte) v);
            case 2 -> seg.set(GuestMemory.SHORT, off, (short) v);
            case 4 -> seg.set(GuestMemory.INT, off, (int) v);
            default -> seg.set(GuestMemory.LONG, off, v);
        }
    }

    /** The decoded page holding {@code pc}; throws an instruction fault if it cannot be fetched. */
    DecodedPage fetchPage(long pc) {
        int i = (int) (pc >>> 12) & MASK;
        long tag = (pc >>> 12) | ctxFetch;
        if (xTag[i] != tag) {
            long off = fetchOffset(pc);
            if (cacheable) {
                xTag[i] = tag;
                xAdd[i] = off & ~0xFFFL;
            }
            return code.page((int) (off >>> 12));
        }
        return code.page((int) (xAdd[i] >>> 12));
    }

    /** 16 instruction bits at {@code va} (the second half of an instruction crossing a page). */
    int fetch16(long va) {
        return seg.get(GuestMemory.SHORT, fetchOffset(va)) & 0xFFFF;
    }

    private long fetchOffset(long va) {
        long pa = translate(va, FETCH, hart.priv, 2);
        long off = pa - ramBase;
        if (off < 0 || off > ramSize - 2) throw hart.trap.set(Trap.INSTRUCTION_ACCESS, va);
        return off;
    }

    /**
     * Translates an atomic access (LR: load rules; SC/AMO: store rules) and returns its RAM
     * offset. Misaligned atomics raise an address-misaligned fault; atomics outside RAM an
     * access fault.
     */
    long translateAtomic(long va, int size, boolean loadReserved) {
        if ((va & (size - 1)) != 0) throw hart.trap.set(loadReserved ? Trap.LOAD_MISALIGNED : Trap.STORE_MISALIGNED, va);
        long pa = translate(va, loadReserved ? LOAD : STORE, dataPriv, size);
        long off = pa - ramBase;
        if (off < 0 || off > ramSize - size) throw hart.trap.set(loadReserved ? Trap.LOAD_ACCESS : Trap.STORE_ACCESS, va);
        if (!loadReserved && code.has((int) (off >>> 12))) code.invalidate((int) (off >>> 12));
        return off;
    }

    /**
     * Translates {@code va} for an access of {@code size} bytes by privilege {@code priv}: page
     * walk (unless M-mode or satp bare) then PMP. Throws the access's page or access fault.
     */
    long translate(long va, int access, int priv, int size) {
        long satp = hart.csr.satp;
        int mode = (int) (satp >>> 60);
        long pa = (priv == 3 || mode == 0) ? va : walk(va, access, priv, mode, satp);
        int need = access == FETCH ? Pmp.X : access == LOAD ? Pmp.R : Pmp.W;
        int perms = hart.csr.pmp.pagePermissions(pa & ~0xFFFL, priv);
        cacheable = perms != Pmp.NOT_UNIFORM;
        if (!cacheable) perms = hart.csr.pmp.check(pa, size, priv);
        if ((perms & need) == 0) throw hart.trap.set(accessFault(access), va);
        return pa;
    }

    private static int accessFault(int access) {
        return access == FETCH ? Trap.INSTRUCTION_ACCESS : access == LOAD ? Trap.LOAD_ACCESS : Trap.STORE_ACCESS;
    }

    private static int pageFault(int access) {
        return access == FETCH ? Trap.INSTRUCTION_PAGE_FAULT : access == LOAD ? Trap.LOAD_PAGE_FAULT : Trap.STORE_PAGE_FAULT;
    }

    private long walk(long va, int access, int priv, int mode, long satp) {
        int levels = mode == 8 ? 3 : 4;
        int vaBits = 12 + 9 * levels;
        if ((va << (64 - vaBits)) >> (64 - vaBits) != va) throw hart.trap.set(pageFault(access), va);
        long mstatus = hart.csr.mstatus;
        while (true) {
            long table = (satp & PPN_MASK) << 12;
            for (int level = levels - 1; level >= 0; level--) {
                long pteAddr = table + ((va >>> (12 + 9 * level)) & 511) * 8;
                long off = pteAddr - ramBase;
                if (off < 0 || off > ramSize - 8 || (hart.csr.pmp.check(pteAddr, 8, 1) & Pmp.R) == 0) {
                    throw hart.trap.set(accessFault(access), va);
                }
                long pte = (long) PTE.getVolatile(seg, off);
                if ((pte & V) == 0 || (pte & (R | W)) == W || (pte >>> 54) != 0) throw hart.trap.set(pageFault(access), va);
                long ppn = (pte >>> 10) & PPN_MASK;
                if ((pte & (R | X)) == 0) {
                    if (level == 0) throw hart.trap.set(pageFault(access), va);
                    table = ppn << 12;
                    continue;
                }
                boolean user = (pte & U) != 0;
                if (priv == 0 ? !user : user && (access == FETCH || (mstatus & Csr.SUM) == 0)) {
                    throw hart.trap.set(pageFault(access), va);
                }
                boolean allowed = switch (access) {
                    case FETCH -> (pte & X) != 0;
                    case LOAD -> (pte & R) != 0 || ((mstatus & Csr.MXR) != 0 && (pte & X) != 0);
                    default -> (pte & W) != 0;
                };
                if (!allowed) throw hart.trap.set(pageFault(access), va);
                long pageMask = (1L << (12 + 9 * level)) - 1;
                if (((ppn << 12) & pageMask) != 0) throw hart.trap.set(pageFault(access), va);
                long needBits = A | (access == STORE ? D : 0);
                if ((pte & needBits) != needBits && !PTE.compareAndSet(seg, off, pte, pte | needBits)) {
                    break; // the PTE changed under us: walk again
                }
                return ((ppn << 12) & ~pageMask) | (va & pageMask);
            }
        }
    }
}
