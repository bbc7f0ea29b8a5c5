package dev.vireo.riscv;

/**
 * The platform's real-time counter: {@code mtime} of the ACLINT, also read by the {@code time}
 * CSR. Ticks at {@link #FREQUENCY_HZ} (QEMU virt's timebase) from the machine's start.
 *
 * <p>Guest time, not host time: {@link #freeze()} stops the counter while the machine is paused
 * and {@link #thaw()} lets it run on from the same value, so a resumed guest sees no jump (no
 * RCU stall or clocksource watchdog reports) and its timers fire relative to the time it ran.
 *
 * <p>Threads: {@link #mtime()} is read by every hart on its hot path (one volatile read, no
 * lock); the writers are synchronized among themselves. {@code freeze}/{@code thaw} are called
 * by the machine's owner with every hart parked, so no hart races them.
 */
public final class MachineClock {
    public static final long FREQUENCY_HZ = 10_000_000L;

    private final long startNanos = System.nanoTime();
    private volatile long offsetTicks;
    /** mtime while frozen, or -1 while running (mtime is never negative: it starts at 0). */
    private volatile long frozenTicks = -1;

    /** Current mtime in ticks. */
    public long mtime() {
        long frozen = frozenTicks;
        return frozen >= 0 ? frozen : running();
    }

    private long running() {
        return (System.nanoTime() - startNanos) / 100 + offsetTicks;
    }

    /** Sets mtime (a guest write to the ACLINT mtime register). */
    public synchronized void setMtime(long value) {
        if (frozenTicks >= 0) {
            frozenTicks = value & Long.MAX_VALUE;
        } else {
            offsetTicks += value - running();
        }
    }

    /** Stops the counter at its current value; idempotent. */
    public synchronized void freeze() {
        if (frozenTicks < 0) frozenTicks = running();
    }

    /** Lets a frozen counter run on from the value it stopped at; idempotent. */
    public synchronized void thaw() {
        long frozen = frozenTicks;
        if (frozen < 0) return;
        offsetTicks = frozen - (System.nanoTime() - startNanos) / 100;
        frozenTicks = -1;
    }

    public boolean frozen() { return frozenTicks >= 0; }

    /** Nanoseconds of host time until mtime reaches {@code ticks} (≤ 0 when already reached). */
    public long nanosUntil(long ticks) {
        long delta = ticks - mtime();
        if (delta <= 0) return 0;
        return delta > Long.MAX_VALUE / 100 ? Long.MAX_VALUE : delta * 100;
    }
}
