package dev.vireo.riscv.cpu;

import dev.vireo.machine.bus.MmioBus;
import dev.vireo.machine.memory.GuestMemory;
import dev.vireo.riscv.MachineClock;

/**
 * One RV64GC hart (RISC-V unprivileged 20191213, privileged 1.12): registers, CSRs, MMU and
 * the interpreter loop. Runs on its own platform thread ({@link #run()}); the platform
 * (CLINT, PLIC, syscon) talks to it through the thread-safe methods below.
 *
 * <p>API CONTRACT shared by the CPU and the platform (do not change a signature without
 * changing both sides).
 */
public final class Hart implements Runnable {
    /** mip/mie bit numbers (privileged spec §3.1.9). */
    public static final int SSIP = 1, MSIP = 3, STIP = 5, MTIP = 7, SEIP = 9, MEIP = 11;

    public Hart(int hartId, GuestMemory ram, MmioBus bus, MachineClock clock, Reservations reservations) {
        throw new UnsupportedOperationException("TODO: CPU");
    }

    /** This hart's mhartid. */
    public int hartId() { throw new UnsupportedOperationException(); }

    /**
     * Puts the hart in its reset state: M-mode, pc = {@code pc}, a0 = {@code a0}, a1 = {@code a1},
     * a2 = {@code a2}, all other registers and CSRs at their reset values. Only while not running.
     */
    public void reset(long pc, long a0, long a1, long a2) { throw new UnsupportedOperationException(); }

    /**
     * Runs until {@link #requestStop()}; returns normally then. A fatal emulator error (a bug,
     * never a guest action) escapes as an exception. Guest faults are delivered to the guest.
     */
    @Override
    public void run() { throw new UnsupportedOperationException(); }

    /** Asks the run loop to return soon (within a few thousand instructions); wakes a WFI. */
    public void requestStop() { throw new UnsupportedOperationException(); }

    /** Sets or clears MEIP (privilege 3) or SEIP (privilege 1): the PLIC's output for this hart. */
    public void setExternalInterrupt(int privilege, boolean level) { throw new UnsupportedOperationException(); }

    /** Sets or clears MSIP (the ACLINT MSWI register of this hart). */
    public void setSoftwareInterrupt(boolean level) { throw new UnsupportedOperationException(); }

    public boolean softwareInterrupt() { throw new UnsupportedOperationException(); }

    /** The ACLINT MTIMER compare register of this hart; MTIP = mtime ≥ mtimecmp, evaluated by the hart. */
    public void setMtimecmp(long value) { throw new UnsupportedOperationException(); }

    public long mtimecmp() { throw new UnsupportedOperationException(); }

    /** Wakes the hart from WFI so it re-evaluates pending interrupts. */
    public void wake() { throw new UnsupportedOperationException(); }

    /** Number of instructions retired (minstret). */
    public long instret() { throw new UnsupportedOperationException(); }

    public long pc() { throw new UnsupportedOperationException(); }

    /** Integer register {@code i} (x0 reads 0). */
    public long x(int i) { throw new UnsupportedOperationException(); }

    /** Current privilege level: 0 U, 1 S, 3 M. */
    public int privilege() { throw new UnsupportedOperationException(); }
}
