package dev.vireo.cli.run;

import dev.vireo.cli.Main;
import dev.vireo.cli.VireoCliException;
import dev.vireo.machine.lifecycle.StopReason;
import dev.vireo.riscv.MachineException;
import dev.vireo.riscv.machine.VirtConfig;
import dev.vireo.riscv.machine.VirtMachine;
import dev.vireo.riscv.platform.uart.Uart16550;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs one {@code virt} machine in the foreground ({@code vireo run}, {@code vireo demo}):
 * the UART is our terminal, a guest reboot builds a fresh machine from the same config, and
 * the run ends on poweroff (exit 0), a guest failure or a fault (exit 1 with one line),
 * the console escape (Ctrl-A x) or SIGINT/SIGTERM (shutdown hook). A signal first presses the
 * machine's power button and gives a guest that hears it 10 s to power off by itself; the
 * machine is stopped after that, or at once when no driver runs the button. Ctrl-A x stops at once.
 *
 * <p>Threads: the caller's thread builds and waits for each machine; {@code vireo-console-in}
 * copies stdin into the current machine's UART; hart threads belong to the machine; the
 * shutdown hook only asks the machine to stop and waits for the terminal to be restored.
 */
public final class ForegroundRunner {
    private static final long HOOK_WAIT_MILLIS = 3_000;
    /** How long SIGINT/SIGTERM lets a guest that heard the power button take to power off. */
    private static final long SHUTDOWN_GRACE_MILLIS = 10_000;

    private final VirtConfig config;
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final Consumer<VirtMachine.Builder> devices;
    private volatile VirtMachine current;
    private volatile StopReason hostStop;

    public ForegroundRunner(VirtConfig config, InputStream in, PrintStream out, PrintStream err) {
        this(config, in, out, err, builder -> {});
    }

    /**
     * @param devices adds the optional devices (disks, entropy) to each machine built, the
     *                first and every one after a reboot
     */
    public ForegroundRunner(VirtConfig config, InputStream in, PrintStream out, PrintStream err,
                            Consumer<VirtMachine.Builder> devices) {
        this.devices = devices;
        this.config = config;
        this.in = in;
        this.out = out;
        this.err = err;
    }

    /** Runs until the guest powers off or the VM stops; returns the exit code. */
    public int run() {
        // The first machine is built before the terminal or stdin are touched, so a bad
        // kernel or too little memory fails fast and leaves the terminal alone.
        ConsoleOutput console = new ConsoleOutput(out);
        VirtMachine first;
        try {
            first = build(console);
        } catch (RuntimeException e) {
            console.close();
            throw e;
        }
        Terminal terminal = Terminal.onStdin();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = Thread.ofPlatform().name("vireo-shutdown").unstarted(() -> {
            // First ask, as a power button does; a guest that listens powers off by itself.
            VirtMachine m = current;
            if (m != null && m.pressPowerButton()) {
                err.print((terminal != null ? "\r\n" : "\n") + "vireo: signal: pressed the power button; the guest has "
                        + SHUTDOWN_GRACE_MILLIS / 1000 + " s to shut down" + (terminal != null ? "\r\n" : "\n"));
                try {
                    if (finished.await(SHUTDOWN_GRACE_MILLIS, TimeUnit.MILLISECONDS)) return;
                } catch (InterruptedException ignored) {
                    // stop it now
                }
            }
            stopFromHost(new StopReason.HostRequest("signal"));
            try {
                finished.await(HOOK_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException ignored) {
                // exiting anyway
            }
            if (terminal != null) terminal.restore();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try (console) {
            if (terminal != null) {
                err.print("vireo: the console is this terminal; Ctrl-A x quits\r\n");
                terminal.enterRawMode();
            }
            startInputPump(terminal != null);
            return runMachines(first, console, terminal != null ? "\r\n" : "\n");
        } finally {
            if (terminal != null) terminal.restore();
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is running and will return
            }
        }
    }

    private VirtMachine build(ConsoleOutput console) {
        try {
            VirtMachine.Builder builder = VirtMachine.builder(config).serialOutput(console);
            devices.accept(builder);
            return builder.build();
        } catch (MachineException e) {
            throw new VireoCliException(e.getMessage());
        } catch (UnsupportedOperationException e) {
            throw new VireoCliException("the RISC-V CPU emulator is not available in this build (" + e.getMessage() + ")");
        }
    }

    /** @param newline "\r\n" while the terminal is raw (no output processing), else "\n" */
    private int runMachines(VirtMachine first, ConsoleOutput console, String newline) {
        VirtMachine machine = first;
        while (true) {
            StopReason reason;
            try {
                current = machine;
                if (hostStop != null) machine.requestStop(hostStop);
                else machine.start();
                reason = machine.awaitStop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                reason = new StopReason.HostRequest("interrupted");
            } finally {
                current = null;
                machine.close();
            }
            console.flush();
            switch (reason) {
                case StopReason.PowerOff p -> {
                    return Main.EXIT_OK;
                }
                case StopReason.Reboot r -> {
                    if (hostStop != null) return Main.EXIT_OK;
                }
                case StopReason.GuestFailure f ->
                        throw new VireoCliException("the guest reported failure with code " + f.code());
                case StopReason.HostRequest h -> {
                    err.print(newline + "vireo: " + reason.describe() + newline);
                    return Main.EXIT_OK;
                }
                case StopReason.Fault f -> throw new VireoCliException(f.report());
            }
            // A reboot: a fresh machine (new RAM, images loaded again, harts reset).
            machine = build(console);
        }
    }

    private void stopFromHost(StopReason reason) {
        hostStop = reason;
        VirtMachine m = current;
        if (m != null) m.requestStop(reason);
    }

    /** Copies stdin to the UART of whichever machine is running; EOF just ends the copying. */
    private void startInputPump(boolean interactive) {
        ConsoleEscape escape = new ConsoleEscape();
        Thread.ofPlatform().daemon().name("vireo-console-in").start(() -> {
            byte[] buffer = new byte[512];
            try {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    byte[] bytes = interactive ? escape.filter(buffer, n) : java.util.Arrays.copyOf(buffer, n);
                    deliver(bytes);
                    if (escape.quitRequested()) {
                        stopFromHost(new StopReason.HostRequest("Ctrl-A x typed on the console"));
                        return;
                    }
                }
            } catch (IOException e) {
                // stdin closed: the guest keeps running without input
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private void deliver(byte[] bytes) throws InterruptedException {
        int offset = 0;
        while (offset < bytes.length) {
            VirtMachine m = current;
            if (m == null) {
                // Between machines (reboot) or before boot: wait rather than lose typed keys.
                Thread.sleep(10);
                if (hostStop != null) return;
                continue;
            }
            Uart16550 uart = m.uart();
            int accepted = uart.receive(bytes, offset, bytes.length - offset);
            offset += accepted;
            if (accepted == 0) uart.awaitReceiveSpace(50);
        }
    }
}
