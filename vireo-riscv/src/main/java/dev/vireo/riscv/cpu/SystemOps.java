package dev.vireo.riscv.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import static dev.vireo.riscv.cpu.Op.*;

/**
 * The operations the interpreter does not inline: fences, environment calls, xRET, WFI,
 * SFENCE.VMA, Zicsr, the A extension (RISC-V unprivileged ch. 8: LR/SC with per-hart
 * reservations, AMOs as atomic read-modify-writes on RAM shared by all harts), and the F/D
 * loads, stores and compute operations with the mstatus.FS rules (privileged §3.1.6.6).
 */
final class SystemOps {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final long NAN_BOX = 0xFFFFFFFF00000000L;

    private final Hart hart;
    private final Csr csr;
    private final Mmu mmu;
    private final long[] x;
    private final MemorySegment seg;

    SystemOps(Hart hart) {
        this.hart = hart;
        this.csr = hart.csr;
        this.mmu = hart.mmu;
        this.x = hart.x;
        this.seg = mmu.seg;
    }

    /**
     * Executes one operation; sets hart.pc to the next pc.
     *
     * @return true if the interpreter must stop its batch (interrupts may have become pending or
     *     enabled, or the hart waits for an interrupt)
     */
    boolean execute(int w, int im, long pc, long next) {
        int rd = (w >>> RD_SHIFT) & 63, rs1 = (w >>> RS1_SHIFT) & 31, rs2 = (w >>> RS2_SHIFT) & 31;
        Trap trap = hart.trap;
        int priv = hart.priv;
        hart.pc = next;
        switch (w & 0xFF) {
            case FENCE -> VarHandle.fullFence();
            case PAUSE -> {
                // A spin-wait hint: with more harts than host cores the lock holder may be a
                // descheduled hart thread, so give the core away instead of spinning on it.
                VarHandle.fullFence();
                Thread.yield();
            }
            case FENCE_I -> { VarHandle.fullFence(); mmu.code.fence(); }
            case ECALL -> throw trap.set(Trap.ECALL_U + priv, 0);
            case EBREAK -> throw trap.set(Trap.BREAKPOINT, pc);
            case MRET -> {
                if (priv < 3) throw trap.illegal(im);
                long ms = csr.mstatus;
                int mpp = (int) ((ms & Csr.MPP) >>> 11);
                ms = (ms & ~Csr.MIE) | ((ms & Csr.MPIE) != 0 ? Csr.MIE : 0);
                ms = (ms | Csr.MPIE) & ~Csr.MPP;
                if (mpp != 3) ms &= ~Csr.MPRV;
                csr.mstatus = ms;
                hart.priv = mpp;
                hart.pc = csr.mepc;
                mmu.updateContext();
                return true;
            }
            case SRET -> {
                if (priv < 1 || (priv == 1 && (csr.mstatus & Csr.TSR) != 0)) throw trap.illegal(im);
                long ms = csr.mstatus;
                int spp = (ms & Csr.SPP) != 0 ? 1 : 0;
                ms = (ms & ~Csr.SIE) | ((ms & Csr.SPIE) != 0 ? Csr.SIE : 0);
                ms = (ms | Csr.SPIE) & ~Csr.SPP & ~Csr.MPRV;
                csr.mstatus = ms;
                hart.priv = spp;
                hart.pc = csr.sepc;
                mmu.updateContext();
                return true;
            }
            case WFI -> {
                if (priv == 0 || (priv == 1 && (csr.mstatus & Csr.TW) != 0)) throw trap.illegal(im);
                hart.waiting = true;
                return true;
            }
            case SFENCE_VMA -> {
                if (priv == 0 || (priv == 1 && (csr.mstatus & Csr.TVM) != 0)) throw trap.illegal(im);
                VarHandle.fullFence();
                if (rs1 == 0) mmu.flush();
                else mmu.flushPage(x[rs1]);
            }
            case CSRRW, CSRRS, CSRRC, CSRRWI, CSRRSI, CSRRCI -> { return csrOp(w & 0xFF, rd, rs1, im, priv); }
            case LR_W, LR_D, SC_W, SC_D, AMO_W, AMO_D -> atomic(w & 0xFF, rd, rs1, rs2, im);
            case FLW, FLD, FSW, FSD -> floatMemory(w & 0xFF, rd, rs1, rs2, im);
            case FPU -> {
                if ((csr.mstatus & Csr.FS) == 0 || !FloatUnit.execute(im, hart.fpu, x)) throw trap.illegal(im);
                csr.markFpDirty();
            }
            default -> throw trap.illegal(im); // ILLEGAL carries the instruction bits
        }
        return false;
    }

    private boolean csrOp(int op, int rd, int rs1, int insn, int priv) {
        int number = insn >>> 20;
        boolean replace = op == CSRRW || op == CSRRWI;
        long operand = op >= CSRRWI ? rs1 : x[rs1];
        boolean writes = replace || rs1 != 0;
        csr.checkAccess(number, writes, priv, insn);
        long old = csr.read(number, insn); // reads have no side effects, so CSRRW may read too
        boolean recheck = false;
        if (writes) {
            // CSRRS/CSRRC modify mip from its software-writable SEIP bit, not from the value read,
            // which ORs in the PLIC's line (privileged §3.1.9); otherwise a set or clear of any mip
            // bit would latch the device line into software SEIP and leave SEIP stuck on.
            long base = replace ? 0 : csr.readForModify(number, old);
            long value = replace ? operand : (op == CSRRS || op == CSRRSI) ? base | operand : base & ~operand;
            recheck = csr.write(number, value, insn);
        }
        x[rd] = old;
        return recheck;
    }

    private void atomic(int op, int rd, int rs1, int rs2, int insn) {
        long va = x[rs1];
        boolean word = op == LR_W || op == SC_W || op == AMO_W;
        int size = word ? 4 : 8;
        Reservations reservations = hart.reservations;
        switch (op) {
            case LR_W, LR_D -> {
                long off = mmu.translateAtomic(va, size, true);
                long v = word ? (int) INT.getVolatile(seg, off) : (long) LONG.getVolatile(seg, off);
                reservations.reserve(hart.hartId(), off, v);
                x[rd] = v;
            }
            case SC_W, SC_D -> {
                long off = mmu.translateAtomic(va, size, false);
                long src = x[rs2];
                boolean ok = reservations.matches(hart.hartId(), off)
                        && (word ? INT.compareAndSet(seg, off, (int) reservations.value(hart.hartId()), (int) src)
                                 : LONG.compareAndSet(seg, off, reservations.value(hart.hartId()), src));
                reservations.clear(hart.hartId());
                if (ok) reservations.storeBy(hart.hartId(), off);
                x[rd] = ok ? 0 : 1;
            }
            default -> {
                long off = mmu.translateAtomic(va, size, false);
                long src = x[rs2];
                int f5 = insn >>> 27;
                x[rd] = word ? amoWord(f5, off, (int) src) : amoDouble(f5, off, src);
                reservations.storeBy(hart.hartId(), off);
            }
        }
    }

    private long amoWord(int f5, long off, int src) {
        return switch (f5) {
            case 0x00 -> (int) INT.getAndAdd(seg, off, src);
            case 0x01 -> (int) INT.getAndSet(seg, off, src);
            case 0x04 -> (int) INT.getAndBitwiseXor(seg, off, src);
            case 0x08 -> (int) INT.getAndBitwiseOr(seg, off, src);
            case 0x0C -> (int) INT.getAndBitwiseAnd(seg, off, src);
            default -> {
                int old;
                do {
                    old = (int) INT.getVolatile(seg, off);
                } while (!INT.compareAndSet(seg, off, old, (int) minMax(f5, old, src, true)));
                yield old;
            }
        };
    }

    private long amoDouble(int f5, long off, long src) {
        return switch (f5) {
            case 0x00 -> (long) LONG.getAndAdd(seg, off, src);
            case 0x01 -> (long) LONG.getAndSet(seg, off, src);
            case 0x04 -> (long) LONG.getAndBitwiseXor(seg, off, src);
            case 0x08 -> (long) LONG.getAndBitwiseOr(seg, off, src);
            case 0x0C -> (long) LONG.getAndBitwiseAnd(seg, off, src);
            default -> {
                long old;
                do {
                    old = (long) LONG.getVolatile(seg, off);
                } while (!LONG.compareAndSet(seg, off, old, minMax(f5, old, src, false)));
                yield old;
            }
        };
    }

    private static long minMax(int f5, long a, long b, boolean word) {
        if (word) { a = (int) a; b = (int) b; }
        long ua = word ? a & 0xFFFFFFFFL : a, ub = word ? b & 0xFFFFFFFFL : b;
        return switch (f5) {
            case 0x10 -> Math.min(a, b);
            case 0x14 -> Math.max(a, b);
            case 0x18 -> Long.compareUnsigned(ua, ub) <= 0 ? a : b;
            default -> Long.compareUnsigned(ua, ub) >= 0 ? a : b;
        };
    }

    private void floatMemory(int op, int rd, int rs1, int rs2, int offset) {
        if ((csr.mstatus & Csr.FS) == 0) throw hart.trap.set(Trap.ILLEGAL_INSTRUCTION, 0);
        long va = x[rs1] + offset;
        long[] f = hart.fpu.f;
        switch (op) {
            case FLW -> { f[rd] = NAN_BOX | (mmu.lw(va) & 0xFFFFFFFFL); csr.markFpDirty(); }
            case FLD -> { f[rd] = mmu.ld(va); csr.markFpDirty(); }
            case FSW -> mmu.sw(va, f[rs2]);
            default -> mmu.sd(va, f[rs2]);
        }
    }

    static {
        // GuestMemory's layouts are little-endian; the VarHandles above use native order.
        if (java.nio.ByteOrder.nativeOrder() != java.nio.ByteOrder.LITTLE_ENDIAN) {
            throw new ExceptionInInitializerError("atomics need a little-endian host");
        }
    }
}
