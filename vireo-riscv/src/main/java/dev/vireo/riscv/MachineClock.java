package dev.vireo.riscv;

/**
 * The platform's real-time counter: {@code mtime} of the ACLINT, also read by the {@code time}
 * CSR. Ticks at {@link #FREQUENCY_HZ} (QEMU virt's timebase) from the machine's start.
 */
public final class MachineClock {
    public static final long FREQUENCY_HZ = 10_000_000L;

    private final long startNanos = System.nanoTime();
    private volatile long offsetTicks;

    /** Current mtime in ticks. */
    public long mtime() {
        return (System.nanoTime() - startNanos) / 100 + offsetTicks;
    }

    /** Sets mtime (a guest write to the ACLINT mtime register). */
    public void setMtime(long value) {
        offsetTicks += value - mtime();
    }

    /** Nanoseconds of host time until mtime reaches {@code ticks} (≤ 0 when already reached). */
    public long nanosUntil(long ticks) {
        long delta = ticks - mtime();
        if (delta <= 0) return 0;
        return delta > Long.MAX_VALUE / 100 ? Long.MAX_VALUE : delta * 100;
    }
}
