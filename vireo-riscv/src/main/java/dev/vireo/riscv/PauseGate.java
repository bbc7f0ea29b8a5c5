package dev.vireo.riscv;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Where the harts of one machine stop when it is paused: at an instruction boundary, between
 * two interpreter batches (or on the way out of WFI). The machine's owner {@link #close}s the
 * gate, wakes the harts and waits in {@link #awaitParked} until every one of them sits in
 * {@link #await}; {@link #open} lets them run on. {@link #abort} (the machine is stopping)
 * releases everyone, for good.
 *
 * <p>Threads: hart threads read {@link #isClosed()} once per batch (one volatile read, the only
 * cost while running) and call {@link #await}; the owner (the VMM's control thread) calls the
 * rest. Everything but {@code isClosed} is synchronized on the gate.
 */
public final class PauseGate {
    /** How often a parked hart re-checks its own stop flag, in case it was asked to stop without {@link #abort}. */
    private static final long RECHECK_MILLIS = 100;

    private volatile boolean closed;
    private boolean aborted;
    private int parked;

    /** Hart side, per batch: must the hart stop and {@link #await}? */
    public boolean isClosed() { return closed; }

    /** Hart side: parks the calling hart until the gate opens, aborts, or {@code leave} becomes true. */
    public synchronized void await(BooleanSupplier leave) {
        parked++;
        notifyAll();
        try {
            while (closed && !aborted && !leave.getAsBoolean()) wait(RECHECK_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            parked--;
        }
    }

    /** Owner side: harts that see the gate from now on park in it. */
    public synchronized void close() {
        if (!aborted) closed = true;
    }

    /**
     * Owner side: waits until {@code harts} harts are parked. Returns false on timeout or when
     * the gate was aborted meanwhile (the machine is stopping).
     */
    public synchronized boolean awaitParked(int harts, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (parked < harts && !aborted) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) return false;
            wait(left);
        }
        return !aborted;
    }

    /** Owner side: lets the parked harts run on. */
    public synchronized void open() {
        closed = false;
        notifyAll();
    }

    /** The machine is stopping: release every hart now and refuse later pauses. */
    public synchronized void abort() {
        aborted = true;
        closed = false;
        notifyAll();
    }

    /** Number of harts parked right now (for tests and stats). */
    public synchronized int parked() { return parked; }
}
