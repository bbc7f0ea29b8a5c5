package dev.vireo.riscv.cpu;

/**
 * The F and D register file and fcsr of one hart. Single-precision values are NaN-boxed in
 * the 64-bit registers (upper 32 bits all ones; an improperly boxed value reads as the
 * canonical NaN). Owned by the hart's thread.
 */
public final class FpuState {
    /** f0..f31, raw IEEE-754 bits. */
    public final long[] f = new long[32];
    /** Accrued exception flags: NV 16, DZ 8, OF 4, UF 2, NX 1. */
    public int fflags;
    /** Dynamic rounding mode: RNE 0, RTZ 1, RDN 2, RUP 3, RMM 4. */
    public int frm;
}
