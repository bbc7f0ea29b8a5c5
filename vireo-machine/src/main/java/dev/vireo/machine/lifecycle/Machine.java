package dev.vireo.machine.lifecycle;

/**
 * One built virtual machine: memory, devices and vCPUs, ready to run once. The lifecycle is
 * {@code start()} → running → stopped (a {@link StopReason}) → {@code close()}. A reboot is
 * a new machine built from the same configuration, so no device needs a reset path.
 *
 * <p>Threads: {@link #start()}, {@link #awaitStop()} and {@link #close()} are called by the
 * owner's thread; {@link #requestStop(StopReason)} from any thread (signal handlers, devices).
 */
public interface Machine extends AutoCloseable {
    /** Starts the vCPU threads. Called once. */
    void start();

    /** Blocks until the machine has stopped and all its vCPU threads have ended. */
    StopReason awaitStop() throws InterruptedException;

    /** Asks the machine to stop; the first reason given wins. Returns at once. */
    void requestStop(StopReason reason);

    /** Stops the machine if still running and frees its memory. Idempotent. */
    @Override
    void close();
}
