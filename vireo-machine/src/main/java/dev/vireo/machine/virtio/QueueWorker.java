package dev.vireo.machine.virtio;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * A device's I/O thread (DESIGN.md §5: block I/O runs off the vCPU threads). vCPU threads
 * only {@link #kick()} it; the thread then runs the device's {@link Drainer} while holding the
 * worker lock. {@link #activate} and {@link #deactivate} take the same lock, so when reset
 * returns on a vCPU thread the device no longer touches guest memory.
 *
 * <p>A {@link VirtqueueException} (hostile guest) or any unexpected runtime error in the
 * drainer marks the device broken and reports it through {@link VirtioContext#deviceError};
 * the thread survives and serves again after the driver resets the device.
 */
public final class QueueWorker implements AutoCloseable {
    /** Serves every queue that has work; called only on the worker thread, under its lock. */
    @FunctionalInterface
    public interface Drainer {
        void drain(VirtioContext context) throws VirtqueueException;
    }

    private final Drainer drainer;
    private final Thread thread;
    private final Object lock = new Object();
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile boolean closed;
    // Guarded by lock.
    private VirtioContext context;
    private boolean active;
    private boolean broken;

    public QueueWorker(String threadName, Drainer drainer) {
        this.drainer = drainer;
        this.thread = Thread.ofPlatform().name(threadName).daemon(true).unstarted(this::run);
        thread.start();
    }

    /** Starts serving with {@code context}; {@code setup} runs first under the worker lock. */
    public void activate(VirtioContext context, Runnable setup) {
        synchronized (lock) {
            setup.run();
            this.context = context;
            active = true;
            broken = false;
        }
        kick();
    }

    /** Stops serving; {@code teardown} runs under the worker lock once no drain is in progress. */
    public void deactivate(Runnable teardown) {
        synchronized (lock) {
            active = false;
            context = null;
            teardown.run();
        }
    }

    /** Asks the thread to drain; cheap and non-blocking, for vCPU threads. */
    public void kick() {
        pending.set(true);
        LockSupport.unpark(thread);
    }

    public Thread thread() { return thread; }

    private void run() {
        while (!closed) {
            if (!pending.getAndSet(false)) {
                LockSupport.park(this);
                continue;
            }
            synchronized (lock) {
                if (!active || broken) continue;
                try {
                    drainer.drain(context);
                } catch (VirtqueueException e) {
                    broken = true;
                    context.deviceError(e.getMessage());
                } catch (RuntimeException e) {
                    // A device bug must not kill the VMM either; the guest sees NEEDS_RESET.
                    broken = true;
                    context.deviceError("internal error: " + e);
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
