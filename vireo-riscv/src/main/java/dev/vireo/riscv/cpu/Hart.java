package dev.vireo.riscv.cpu;

import dev.vireo.machine.bus.MmioBus;
import dev.vireo.machine.memory.GuestMemory;
import dev.vireo.riscv.MachineClock;
import dev.vireo.riscv.PauseGate;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * One RV64GC hart (RISC-V unprivileged 20191213, privileged 1.12): registers, CSRs, MMU and
 * the interpreter loop. Runs on its own platform thread ({@link #run()}); the platform
 * (CLINT, PLIC, syscon) talks to it through the thread-safe methods below.
 *
 * <p>The run loop executes batches of instructions ({@link Interpreter}); between batches it
 * takes pending interrupts (privileged §3.1.9 priority MEI, MSI, MTI, SEI, SSI, STI), parks the
 * thread while the hart waits in WFI, parks at the machine's {@link PauseGate} while paused,
 * and honours {@link #requestStop()}.
 *
 * <p>Debugging (all off by default; the flags are static finals, so the hot path does not pay
 * for them): the system property {@code vireo.riscv.trace=traps} logs every trap on stderr,
 * {@code vireo.riscv.trace=pc} logs pc and privilege before every instruction (one-instruction
 * batches: very slow), {@code vireo.riscv.trace=stats} prints instruction and code-cache counts
 * when the hart is asked to stop.
 *
 * <p>API CONTRACT shared by the CPU and the platform (do not change a signature without
 * changing both sides).
 */
public final class Hart implements Runnable {
    /** mip/mie bit numbers (privileged spec §3.1.9). */
    public static final int SSIP = 1, MSIP = 3, STIP = 5, MTIP = 7, SEIP = 9, MEIP = 11;
    private static final int BATCH = 4096;
    /**
     * How long a spinning hart ({@link Interpreter#spinWait}) parks before it looks again: 50 µs,
     * doubled for each batch in a row that spun, up to 1.6 ms. An interrupt wakes it at once.
     */
    private static final long SPIN_PAUSE_NANOS = 50_000;
    private static final int SPIN_PAUSE_DOUBLINGS = 5;
    private static final boolean TRACE_TRAPS = "traps".equals(System.getProperty("vireo.riscv.trace"));
    private static final boolean TRACE_STATS = "stats".equals(System.getProperty("vireo.riscv.trace"));
    private static final boolean TRACE_PC = "pc".equals(System.getProperty("vireo.riscv.trace"));
    private static final int[] PRIORITY = {MEIP, MSIP, MTIP, SEIP, SSIP, STIP};

    private final int hartId;
    final MachineClock clock;
    final Reservations reservations;
    final long[] x = new long[33];
    final FpuState fpu = new FpuState();
    final Trap trap = new Trap();
    final Csr csr;
    final Mmu mmu;
    /** Translated block classes shared with the machine's other harts. */
    final BlockTable blockTable;
    private final Interpreter interpreter;
    long pc;
    int priv = 3;
    /** Interrupt lines driven by devices: MEIP, SEIP (PLIC) and MSIP (ACLINT). */
    final AtomicInteger hwPending = new AtomicInteger();
    volatile long mtimecmp = -1;
    private volatile boolean stopRequested;
    /** Where {@link #run()} parks while the machine is paused; set before the hart's thread starts. */
    private PauseGate pauseGate = new PauseGate();
    private volatile Thread thread;
    boolean waiting;
    /** Batches in a row that ended in a spin-wait (the pause doubles with each, see {@link #step}). */
    private int spinStreak;
    private long instret;

    /**
     * A hart whose translated block classes are shared with the other harts built with the same
     * {@code blockTable} (one per machine, over the same {@code ram}; see {@link BlockTable}).
     */
    public Hart(int hartId, GuestMemory ram, MmioBus bus, MachineClock clock, Reservations reservations, BlockTable blockTable) {
        this.hartId = hartId;
        this.clock = clock;
        this.reservations = reservations;
        this.blockTable = blockTable;
        this.csr = new Csr(this);
        this.mmu = new Mmu(this, ram, bus);
        this.interpreter = new Interpreter(this, new SystemOps(this));
        mmu.updateContext();
    }

    /** A hart that shares its translated block classes with no other. */
    public Hart(int hartId, GuestMemory ram, MmioBus bus, MachineClock clock, Reservations reservations) {
        this(hartId, ram, bus, clock, reservations, new BlockTable());
    }

    /** The machine's pause gate, which {@link #run()} checks between batches. Only before the hart runs. */
    public void pauseGate(PauseGate gate) { this.pauseGate = gate; }

    /** This hart's mhartid. */
    public int hartId() { return hartId; }

    /**
     * Puts the hart in its reset state: M-mode, pc = {@code pc}, a0 = {@code a0}, a1 = {@code a1},
     * a2 = {@code a2}, all other registers and CSRs at their reset values. Only while not running.
     */
    public void reset(long pc, long a0, long a1, long a2) {
        java.util.Arrays.fill(x, 0);
        java.util.Arrays.fill(fpu.f, 0);
        fpu.fflags = 0;
        fpu.frm = 0;
        csr.reset();
        x[10] = a0;
        x[11] = a1;
        x[12] = a2;
        this.pc = pc;
        priv = 3;
        waiting = false;
        instret = 0;
        reservations.clear(hartId);
        mmu.flush();
        mmu.code.invalidateAll();
        mmu.updateContext();
    }

    /**
     * Runs until {@link #requestStop()}; returns normally then. A fatal emulator error (a bug,
     * never a guest action) escapes as an exception. Guest faults are delivered to the guest.
     */
    @Override
    public void run() {
        thread = Thread.currentThread();
        try {
            while (!stopRequested) {
                if (pauseGate.isClosed()) {
                    pauseGate.await(() -> stopRequested); // paused: an instruction boundary
                    continue;
                }
                step(BATCH);
            }
        } catch (RuntimeException | Error e) {
            throw new IllegalStateException(String.format("hart %d failed at pc 0x%x (privilege %d): %s",
                    hartId, pc, priv, e), e);
        } finally {
            stopRequested = false;
        }
    }

    /**
     * One scheduling step: takes a pending interrupt, then either waits (WFI) or executes up to
     * {@code budget} instructions. Returns the number of instructions executed.
     */
    int step(int budget) {
        takeInterrupt();
        if (waiting) {
            park();
            return 0;
        }
        if (TRACE_PC) {
            System.err.printf("hart %d pc=0x%x priv=%d%n", hartId, pc, priv);
            budget = 1;
        }
        int n = interpreter.run(budget);
        instret += n;
        interpreter.executed = 0;
        if (interpreter.spinning) { // a loop that changes nothing: let the other threads have the core
            interpreter.spinning = false;
            LockSupport.parkNanos(this, SPIN_PAUSE_NANOS << spinStreak);
            spinStreak = Math.min(spinStreak + 1, SPIN_PAUSE_DOUBLINGS);
        } else {
            spinStreak = 0;
        }
        return n;
    }

    /**
     * Runs on the calling thread until at least {@code instructions} instructions have executed
     * or {@link #requestStop()} is called, taking interrupts and honouring WFI as {@link #run()}
     * does. For benchmarks and tests.
     *
     * @return the number of instructions executed
     */
    public long execute(long instructions) {
        thread = Thread.currentThread();
        long done = 0;
        try {
            while (done < instructions && !stopRequested) {
                done += step((int) Math.min(BATCH, instructions - done));
            }
        } finally {
            stopRequested = false;
        }
        return done;
    }

    private void park() {
        long deadline = csr.nextTimerDeadline();
        long nanos = deadline < 0 ? 50_000_000L : Math.min(clock.nanosUntil(deadline), 50_000_000L);
        if (nanos > 0 && !stopRequested) LockSupport.parkNanos(this, nanos);
        if ((csr.mip() & csr.mie) != 0) waiting = false;
    }

    /** Takes the highest-priority pending and enabled interrupt, if any; clears WFI on any pending one. */
    boolean takeInterrupt() {
        long pending = csr.mip() & csr.mie;
        if (pending == 0) return false;
        waiting = false;
        long ms = csr.mstatus;
        long machine = pending & ~csr.mideleg;
        boolean mEnabled = priv < 3 || (ms & Csr.MIE) != 0;
        long supervisor = pending & csr.mideleg;
        boolean sEnabled = priv < 1 || (priv == 1 && (ms & Csr.SIE) != 0);
        long takeable = (mEnabled ? machine : 0) | (sEnabled ? supervisor : 0);
        if (takeable == 0) return false;
        for (int bit : PRIORITY) {
            if ((takeable & (1L << bit)) != 0) {
                enterTrap(Long.MIN_VALUE | bit, 0, pc);
                return true;
            }
        }
        return false;
    }

    /** Enters the trap handler for {@code cause} (bit 63 set for interrupts) raised at {@code epc}. */
    void enterTrap(long cause, long tval, long epc) {
        boolean interrupt = cause < 0;
        int code = (int) (cause & 63);
        if (TRACE_TRAPS) {
            System.err.printf("hart %d trap cause=%s%d tval=0x%x epc=0x%x priv=%d%n",
                    hartId, interrupt ? "irq " : "", code, tval, epc, priv);
        }
        long deleg = interrupt ? csr.mideleg : csr.medeleg;
        long ms = csr.mstatus;
        if (priv <= 1 && ((deleg >>> code) & 1) != 0) {
            csr.scause = cause;
            csr.sepc = epc;
            csr.stval = tval;
            ms = (ms & ~(Csr.SPIE | Csr.SIE | Csr.SPP)) | ((ms & Csr.SIE) != 0 ? Csr.SPIE : 0) | (priv == 1 ? Csr.SPP : 0);
            priv = 1;
            pc = vector(csr.stvec, interrupt, code);
        } else {
            csr.mcause = cause;
            csr.mepc = epc;
            csr.mtval = tval;
            ms = (ms & ~(Csr.MPIE | Csr.MIE | Csr.MPP)) | ((ms & Csr.MIE) != 0 ? Csr.MPIE : 0) | ((long) priv << 11);
            priv = 3;
            pc = vector(csr.mtvec, interrupt, code);
        }
        csr.mstatus = ms;
        mmu.updateContext();
    }

    private static long vector(long tvec, boolean interrupt, int code) {
        long base = tvec & ~3L;
        return (interrupt && (tvec & 1) != 0) ? base + 4L * code : base;
    }

    /** Switches translation to JVM bytecode on ({@code translator}) or off (null). Only while not running. */
    void setTranslator(Translator translator) { interpreter.translator = translator; }

    Translator translator() { return interpreter.translator; }

    long instretNow() { return instret + interpreter.executed; }

    /** How often this hart paused in a spin-wait ({@link Interpreter#spinWait}). */
    long spinPauses() { return interpreter.spinPauses; }

    /** Asks the run loop to return soon (within a few thousand instructions); wakes a WFI. */
    public void requestStop() {
        if (TRACE_STATS) System.err.printf("hart %d: %d instructions, %d system operations, %d traps; %s%n",
                hartId, instret, interpreter.systemOps, interpreter.traps, mmu.code.statistics()
                        + (interpreter.translator == null ? "" : "; " + interpreter.blockInstructions
                        + " instructions in translated blocks (" + interpreter.blockRuns + " block runs), "
                        + interpreter.translator.statistics()
                        + "; " + blockTable.statistics() + "; " + interpreter.spinPauses + " spin-wait pauses"));
        if (Interpreter.PROFILE) {
            for (int op = 0; op < 256; op++) {
                if (interpreter.opCount[op] > 0) System.err.printf("op %d: %d calls, %.1f ms%n", op, interpreter.opCount[op], interpreter.opNanos[op] / 1e6);
            }
        }
        stopRequested = true;
        wake();
    }

    /** Sets or clears MEIP (privilege 3) or SEIP (privilege 1): the PLIC's output for this hart. */
    public void setExternalInterrupt(int privilege, boolean level) {
        setLine(privilege == 3 ? MEIP : SEIP, level);
    }

    /** Sets or clears MSIP (the ACLINT MSWI register of this hart). */
    public void setSoftwareInterrupt(boolean level) { setLine(MSIP, level); }

    public boolean softwareInterrupt() { return (hwPending.get() & (1 << MSIP)) != 0; }

    private void setLine(int bit, boolean level) {
        if (level) hwPending.getAndUpdate(v -> v | (1 << bit));
        else hwPending.getAndUpdate(v -> v & ~(1 << bit));
        wake();
    }

    /** The ACLINT MTIMER compare register of this hart; MTIP = mtime ≥ mtimecmp, evaluated by the hart. */
    public void setMtimecmp(long value) {
        mtimecmp = value;
        wake();
    }

    public long mtimecmp() { return mtimecmp; }

    /** Wakes the hart from WFI so it re-evaluates pending interrupts. */
    public void wake() {
        Thread t = thread;
        if (t != null) LockSupport.unpark(t);
    }

    /** Number of instructions retired (minstret). */
    public long instret() { return instret; }

    public long pc() { return pc; }

    /** Integer register {@code i} (x0 reads 0). */
    public long x(int i) { return i == 0 ? 0 : x[i]; }

    /** Current privilege level: 0 U, 1 S, 3 M. */
    public int privilege() { return priv; }
}
