package dev.vireo.vmm;

import java.io.OutputStream;
import java.util.Map;

/**
 * The one running machine a VMM process owns, as the VMM sees it. The platform's machine
 * builder (the same one {@code vireo run} uses) supplies it through a
 * {@link GuestMachineFactory}; the VMM adds the control socket, console socket and console log.
 *
 * <p>Threads: {@link #start} and {@link #awaitExit} are called by the VMM's main thread; the
 * other methods by the control-socket thread ({@code vmm-control}) and the console thread
 * ({@code vmm-console-in}); implementations make them safe to call concurrently with the vCPUs.
 */
public interface GuestMachine {
    /** Starts the vCPUs; the guest's console output goes to {@code console}. Returns once running. */
    void start(OutputStream console) throws Exception;

    /** Stops every vCPU at an instruction boundary; devices stop taking requests. */
    void pause();

    void resume();

    /**
     * Asks the guest to shut down (a power-button event or the platform's equivalent).
     * Returns false when this machine has no way to ask; the caller then powers off.
     */
    boolean requestShutdown();

    /** Stops the machine now, as pulling the plug would; {@link #awaitExit} then returns. */
    void powerOff();

    /** Resets the machine (the guest reboots). */
    void reset();

    /** Bytes typed on the console, for the guest's console device. */
    void consoleInput(byte[] bytes, int offset, int length);

    /** Blocks until the machine has stopped, and says why. */
    Exit awaitExit() throws InterruptedException;

    /** Figures for {@code stats}: instructions, uptime, device counters… (JSON-serializable values). */
    Map<String, Object> stats();

    /**
     * Why a machine stopped. {@code clean} is true for an orderly stop (the guest powered
     * off, or a stop/poweroff was requested); false for a failure, described in {@code reason}.
     */
    record Exit(boolean clean, String reason) {}
}
