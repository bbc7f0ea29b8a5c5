package dev.vireo.cli.run;

import dev.vireo.machine.lifecycle.StopReason;
import dev.vireo.riscv.MachineClock;
import dev.vireo.riscv.machine.VirtConfig;
import dev.vireo.riscv.machine.VirtMachine;
import dev.vireo.riscv.platform.uart.Uart16550;
import dev.vireo.vmm.GuestMachine;

import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The {@code virt} machine as a VMM runs it: the same {@link VirtMachine} {@code vireo run}
 * builds, its UART wired to the VMM's console hub, a guest reboot answered with a fresh
 * machine from the same config (as {@link ForegroundRunner} does).
 *
 * <p>{@link #pause()} parks every hart at an instruction boundary and freezes the guest clock
 * ({@link VirtMachine#pause()}); a reboot while paused builds the next machine paused too.
 * {@link #requestShutdown()} presses the board's power button (virtio-input KEY_POWER in the
 * last virtio-mmio slot): a guest that listens (the default guest's busybox acpid,
 * systemd-logind) powers off by itself, and the exit reason then says so.
 *
 * <p>Threads: the VMM's main thread calls {@link #start} and {@link #awaitExit}; the console
 * and control threads call the rest.
 */
public final class VirtGuest implements GuestMachine {
    private final VirtConfig config;
    private final Consumer<VirtMachine.Builder> devices;
    private final AutoCloseable resources;
    private volatile ConsoleOutput console;
    private volatile VirtMachine current;
    private volatile boolean hostStop;
    /** The power button was pressed and heard: a guest poweroff from now on is its answer. */
    private volatile boolean shutdownRequested;
    private volatile int boots;
    /** Serializes pause/resume (control thread) with the switch to a new machine after a reboot (main thread). */
    private final Object pauseLock = new Object();
    private boolean paused; // guarded by pauseLock: a machine built while paused starts paused too

    /** Builds the first machine now, so a bad kernel or too little memory fails before any socket opens. */
    public VirtGuest(VirtConfig config, Consumer<VirtMachine.Builder> devices, AutoCloseable resources) {
        this.config = config;
        this.devices = devices;
        this.resources = resources;
        this.current = build();
    }

    private VirtMachine build() {
        boots++;
        VirtMachine.Builder builder = VirtMachine.builder(config).serialOutput(b -> {
            ConsoleOutput out = console;
            if (out != null) out.write(b);
        });
        devices.accept(builder);
        return builder.build();
    }

    @Override
    public void start(OutputStream consoleStream) {
        console = new ConsoleOutput(consoleStream);
        current.start();
    }

    @Override
    public void pause() {
        synchronized (pauseLock) {
            VirtMachine m = current;
            if (m == null) throw new IllegalStateException("the guest is between two boots; try again in a moment");
            try {
                m.pause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while pausing the harts");
            }
            paused = true;
        }
    }

    @Override
    public void resume() {
        synchronized (pauseLock) {
            paused = false;
            VirtMachine m = current;
            if (m != null) m.resume();
        }
    }

    /**
     * Presses the machine's power button (virtio-input KEY_POWER). True when the guest runs a
     * driver for it (the default guest's acpid then runs poweroff); false before the guest has
     * loaded virtio_input, or for a guest without it: nobody would hear the button.
     */
    @Override
    public boolean requestShutdown() {
        VirtMachine m = current;
        if (m == null || !m.pressPowerButton()) return false;
        shutdownRequested = true;
        return true;
    }

    @Override
    public void powerOff() {
        hostStop = true;
        VirtMachine m = current;
        if (m != null) m.requestStop(new StopReason.HostRequest("powered off by the daemon"));
    }

    @Override
    public void reset() {
        VirtMachine m = current;
        if (m != null) m.requestStop(new StopReason.Reboot());
    }

    @Override
    public void consoleInput(byte[] bytes, int offset, int length) {
        int end = offset + length;
        while (offset < end && !hostStop) {
            VirtMachine m = current;
            if (m == null) {
                sleep(10); // between machines (reboot): wait rather than lose typed keys
                continue;
            }
            Uart16550 uart = m.uart();
            int accepted = uart.receive(bytes, offset, end - offset);
            offset += accepted;
            if (accepted == 0) {
                try {
                    uart.awaitReceiveSpace(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public Exit awaitExit() throws InterruptedException {
        try {
            return runMachines();
        } finally {
            try {
                resources.close(); // disks: flushed and closed once no machine uses them
            } catch (Exception e) {
                System.err.println("vmm: closing the disks failed: " + e.getMessage());
            }
        }
    }

    private Exit runMachines() throws InterruptedException {
        while (true) {
            VirtMachine machine = current;
            StopReason reason;
            try {
                reason = machine.awaitStop();
            } finally {
                current = null;
                machine.close();
                ConsoleOutput out = console;
                if (out != null) out.flush();
            }
            switch (reason) {
                case StopReason.PowerOff p -> {
                    return new Exit(true, shutdownRequested ? "guest shut down after the power button" : reason.describe());
                }
                case StopReason.Reboot r -> {
                    if (hostStop) return new Exit(true, "powered off by the daemon");
                    shutdownRequested = false; // the guest rebooted instead: a later poweroff is its own
                }
                case StopReason.GuestFailure f -> {
                    return new Exit(false, reason.describe());
                }
                case StopReason.HostRequest h -> {
                    return new Exit(true, h.why());
                }
                case StopReason.Fault f -> {
                    return new Exit(false, reason.describe());
                }
            }
            VirtMachine next = build();
            synchronized (pauseLock) {
                current = next;
                next.start();
                if (paused) next.pause(); // rebooted while paused (vm reboot): the new boot waits too
            }
        }
    }

    @Override
    public Map<String, Object> stats() {
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("machine", "virt");
        stats.put("cpus", config.cpus());
        stats.put("memoryBytes", config.memoryBytes());
        stats.put("boots", boots);
        VirtMachine m = current;
        if (m != null) {
            stats.put("instructions", m.instructionsRetired());
            stats.put("guestTimeMillis", m.mtime() / (MachineClock.FREQUENCY_HZ / 1000));
        }
        return stats;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
