package dev.vireo.riscv.cpu;

/**
 * The control and status registers of one hart (RISC-V privileged 1.12 ch. 2-4, Sstc, Zicntr,
 * Zihpm, and the F/D fcsr): storage, the access rules of §2.1 (privilege in csr[9:8], read-only
 * in csr[11:10], counter enables, TVM, FS=Off) and the WARL legalisation of each field. Writes
 * that change translation flush the hart's TLB. Owned by the hart's thread.
 */
final class Csr {
    // mstatus fields (§3.1.6)
    static final long SIE = 1L << 1, MIE = 1L << 3, SPIE = 1L << 5, MPIE = 1L << 7, SPP = 1L << 8;
    static final long MPP = 3L << 11, FS = 3L << 13, MPRV = 1L << 17, SUM = 1L << 18, MXR = 1L << 19;
    static final long TVM = 1L << 20, TW = 1L << 21, TSR = 1L << 22, SD = 1L << 63;
    static final long UXL_SXL = (2L << 32) | (2L << 34);
    static final long MSTATUS_WRITABLE = SIE | MIE | SPIE | MPIE | SPP | MPP | FS | MPRV | SUM | MXR | TVM | TW | TSR;
    static final long SSTATUS_MASK = SIE | SPIE | SPP | FS | SUM | MXR | (3L << 32) | SD;
    static final long SSTATUS_WRITABLE = SIE | SPIE | SPP | FS | SUM | MXR;
    static final long STCE = 1L << 63;
    static final long MEDELEG_WRITABLE = 0xB3FFL;
    static final long S_INTERRUPTS = (1L << Hart.SSIP) | (1L << Hart.STIP) | (1L << Hart.SEIP);
    static final long ALL_INTERRUPTS = S_INTERRUPTS | (1L << Hart.MSIP) | (1L << Hart.MTIP) | (1L << Hart.MEIP);

    static final int FFLAGS = 0x001, FRM = 0x002, FCSR = 0x003;
    static final int SSTATUS = 0x100, SIE_CSR = 0x104, STVEC = 0x105, SCOUNTEREN = 0x106, SENVCFG = 0x10A;
    static final int SSCRATCH = 0x140, SEPC = 0x141, SCAUSE = 0x142, STVAL = 0x143, SIP = 0x144, STIMECMP = 0x14D, SATP = 0x180;
    static final int MSTATUS = 0x300, MISA = 0x301, MEDELEG = 0x302, MIDELEG = 0x303, MIE_CSR = 0x304, MTVEC = 0x305;
    static final int MCOUNTEREN = 0x306, MENVCFG = 0x30A, MCOUNTINHIBIT = 0x320, MSCRATCH = 0x340, MEPC = 0x341;
    static final int MCAUSE = 0x342, MTVAL = 0x343, MIP = 0x344, MCYCLE = 0xB00, MINSTRET = 0xB02;
    static final int CYCLE = 0xC00, TIME = 0xC01, INSTRET = 0xC02;

    private final Hart hart;
    final Pmp pmp = new Pmp();

    long mstatus = UXL_SXL, medeleg, mideleg, mie, mipSoft, mtvec, stvec, mepc, sepc, mcause, scause, mtval, stval;
    long mscratch, sscratch, satp, menvcfg, senvcfg, stimecmp = -1;
    int mcounteren, scounteren, mcountinhibit;
    long counterOffset;

    Csr(Hart hart) { this.hart = hart; }

    void reset() {
        mstatus = UXL_SXL;
        medeleg = mideleg = mie = mipSoft = mtvec = stvec = mepc = sepc = mcause = scause = mtval = stval = 0;
        mscratch = sscratch = satp = menvcfg = senvcfg = 0;
        stimecmp = -1;
        mcounteren = scounteren = mcountinhibit = 0;
        counterOffset = 0;
    }

    long readMstatus() {
        return ((mstatus & FS) == FS) ? mstatus | SD : mstatus;
    }

    /** mip as software sees it: device lines, software-written bits, and both timers. */
    long mip() {
        long v = hart.hwPending.get() | mipSoft;
        long now = hart.clock.mtime();
        if (Long.compareUnsigned(now, hart.mtimecmp) >= 0) v |= 1L << Hart.MTIP;
        if ((menvcfg & STCE) != 0) {
            v &= ~(1L << Hart.STIP);
            if (Long.compareUnsigned(now, stimecmp) >= 0) v |= 1L << Hart.STIP;
        }
        return v;
    }

    /**
     * Checks the access rules and returns normally if the access is allowed; otherwise throws
     * an illegal-instruction trap.
     */
    void checkAccess(int csr, boolean write, int priv, int insn) {
        if (priv < ((csr >>> 8) & 3) || (write && (csr >>> 10) == 3)) throw hart.trap.illegal(insn);
        if (csr >= CYCLE && csr <= 0xC1F && priv < 3) {
            int bit = 1 << (csr - CYCLE);
            if ((mcounteren & bit) == 0 || (priv == 0 && (scounteren & bit) == 0)) throw hart.trap.illegal(insn);
        } else if (csr == SATP && priv == 1 && (mstatus & TVM) != 0) {
            throw hart.trap.illegal(insn);
        } else if (csr == STIMECMP && priv == 1 && ((menvcfg & STCE) == 0 || (mcounteren & 2) == 0)) {
            throw hart.trap.illegal(insn);
        } else if (csr <= FCSR && (mstatus & FS) == 0) {
            throw hart.trap.illegal(insn);
        }
    }

    /** Reads an implemented CSR; an unknown number throws an illegal-instruction trap. */
    long read(int csr, int insn) {
        FpuState f = hart.fpu;
        return switch (csr) {
            case FFLAGS -> f.fflags;
            case FRM -> f.frm;
            case FCSR -> f.frm << 5 | f.fflags;
            case CYCLE, INSTRET, MCYCLE, MINSTRET -> hart.instretNow() + counterOffset;
            case TIME -> hart.clock.mtime();
            case SSTATUS -> readMstatus() & SSTATUS_MASK;
            case SIE_CSR -> mie & mideleg;
            case STVEC -> stvec;
            case SCOUNTEREN -> scounteren & 0xFFFFFFFFL;
            case SENVCFG -> senvcfg;
            case SSCRATCH -> sscratch;
            case SEPC -> sepc;
            case SCAUSE -> scause;
            case STVAL -> stval;
            case SIP -> mip() & mideleg;
            case STIMECMP -> stimecmp;
            case SATP -> satp;
            case MSTATUS -> readMstatus();
            case MISA -> Isa.MISA;
            case MEDELEG -> medeleg;
            case MIDELEG -> mideleg;
            case MIE_CSR -> mie;
            case MTVEC -> mtvec;
            case MCOUNTEREN -> mcounteren & 0xFFFFFFFFL;
            case MENVCFG -> menvcfg;
            case MCOUNTINHIBIT -> mcountinhibit & 0xFFFFFFFFL;
            case MSCRATCH -> mscratch;
            case MEPC -> mepc;
            case MCAUSE -> mcause;
            case MTVAL -> mtval;
            case MIP -> mip();
            case 0xF11, 0xF12, 0xF13, 0xF15 -> 0; // mvendorid, marchid, mimpid, mconfigptr
            case 0xF14 -> hart.hartId();
            default -> {
                if ((csr >= 0xC03 && csr <= 0xC1F) || (csr >= 0xB03 && csr <= 0xB1F) || (csr >= 0x323 && csr <= 0x33F)) yield 0;
                if (csr >= 0x3A0 && csr <= 0x3AF && (csr & 1) == 0) yield pmp.readCfg((csr - 0x3A0) / 2);
                if (csr >= 0x3B0 && csr <= 0x3EF) yield pmp.readAddr(csr - 0x3B0);
                throw hart.trap.illegal(insn);
            }
        };
    }

    /**
     * The value a CSRRS/CSRRC read-modify-write starts from, given the value {@code read}: for
     * mip, SEIP is the software-writable bit alone, without the external interrupt line.
     */
    long readForModify(int csr, long read) {
        if (csr != MIP) return read;
        long seip = 1L << Hart.SEIP;
        return (read & ~seip) | (mipSoft & seip);
    }

    /**
     * Writes an implemented CSR (access already checked).
     *
     * @return true if the write may have changed which interrupts are pending or enabled, so
     *     the interpreter must re-check them before the next instruction
     */
    boolean write(int csr, long v, int insn) {
        FpuState f = hart.fpu;
        switch (csr) {
            case FFLAGS -> { f.fflags = (int) v & 0x1F; markFpDirty(); }
            case FRM -> { f.frm = (int) v & 7; markFpDirty(); }
            case FCSR -> { f.fflags = (int) v & 0x1F; f.frm = (int) (v >>> 5) & 7; markFpDirty(); }
            case SSTATUS -> { setMstatus((mstatus & ~SSTATUS_WRITABLE) | (v & SSTATUS_WRITABLE)); return true; }
            case SIE_CSR -> { mie = (mie & ~mideleg) | (v & mideleg); return true; }
            case STVEC -> stvec = legalTvec(v);
            case SCOUNTEREN -> scounteren = (int) v;
            case SENVCFG -> senvcfg = v & 1;
            case SSCRATCH -> sscratch = v;
            case SEPC -> sepc = v & ~1L;
            case SCAUSE -> scause = v;
            case STVAL -> stval = v;
            case SIP -> { long m = mideleg & (1L << Hart.SSIP); mipSoft = (mipSoft & ~m) | (v & m); return true; }
            case STIMECMP -> { stimecmp = v; return true; }
            case SATP -> writeSatp(v);
            case MSTATUS -> { setMstatus((mstatus & ~MSTATUS_WRITABLE) | (v & MSTATUS_WRITABLE)); return true; }
            case MISA -> { }
            case MEDELEG -> medeleg = v & MEDELEG_WRITABLE;
            case MIDELEG -> { mideleg = v & S_INTERRUPTS; return true; }
            case MIE_CSR -> { mie = v & ALL_INTERRUPTS; return true; }
            case MTVEC -> mtvec = legalTvec(v);
            case MCOUNTEREN -> mcounteren = (int) v;
            case MENVCFG -> { menvcfg = v & (STCE | 1); return true; }
            case MCOUNTINHIBIT -> mcountinhibit = (int) v & ~2;
            case MSCRATCH -> mscratch = v;
            case MEPC -> mepc = v & ~1L;
            case MCAUSE -> mcause = v;
            case MTVAL -> mtval = v;
            case MIP -> {
                long m = (1L << Hart.SSIP) | (1L << Hart.SEIP) | ((menvcfg & STCE) == 0 ? 1L << Hart.STIP : 0);
                mipSoft = (mipSoft & ~m) | (v & m);
                return true;
            }
            case MCYCLE, MINSTRET -> counterOffset = v - hart.instretNow();
            default -> {
                if ((csr >= 0xB03 && csr <= 0xB1F) || (csr >= 0x323 && csr <= 0x33F)) return false;
                if (csr >= 0x3A0 && csr <= 0x3AF && (csr & 1) == 0) { pmp.writeCfg((csr - 0x3A0) / 2, v); hart.mmu.flush(); return false; }
                if (csr >= 0x3B0 && csr <= 0x3EF) { pmp.writeAddr(csr - 0x3B0, v); hart.mmu.flush(); return false; }
                throw hart.trap.illegal(insn);
            }
        }
        return false;
    }

    void markFpDirty() { mstatus |= FS; }

    private static long legalTvec(long v) {
        return (v & 3) >= 2 ? v & ~3L : v & ~2L;
    }

    private void writeSatp(long v) {
        long mode = v >>> 60;
        if (mode != 0 && mode != 8 && mode != 9) return;
        satp = v & (0xFL << 60 | 0xFFFFL << 44 | ((1L << 44) - 1));
        hart.mmu.flush();
    }

    void setMstatus(long v) {
        if (((v & MPP) >>> 11) == 2) v = (v & ~MPP) | (mstatus & MPP);
        long old = mstatus;
        mstatus = (v & ~(SD | (0xFL << 32))) | UXL_SXL;
        if (((old ^ mstatus) & (SUM | MXR)) != 0) hart.mmu.flush();
        if (((old ^ mstatus) & (MPRV | MPP)) != 0) hart.mmu.updateContext();
    }

    /** Timer deadline in mtime ticks: the nearest of mtimecmp and (with Sstc) stimecmp. */
    long nextTimerDeadline() {
        long d = hart.mtimecmp;
        if ((menvcfg & STCE) != 0 && Long.compareUnsigned(stimecmp, d) < 0) d = stimecmp;
        return d;
    }
}
