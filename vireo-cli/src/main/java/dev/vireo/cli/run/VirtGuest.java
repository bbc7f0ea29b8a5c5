package dev.vireo.cli.run;

import dev.vireo.machine.lifecycle.StopReason;
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
 * <p>Not yet possible with this machine, and refused with a message: pause/resume (the harts
 * have no pause gate) and a cooperative shutdown request (virt has no power button), so
 * {@code vireo vm stop} powers off after asking.
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
    private volatile int boots;

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
        throw new UnsupportedOperationException("the virt machine cannot pause its harts yet; use vireo vm stop or poweroff");
    }

    @Override
    public void resume() {
        throw new UnsupportedOperationException("the virt machine cannot pause its harts yet, so there is nothing to resume");
    }

    @Override
    public boolean requestShutdown() {
        return false; // virt has no power button the guest listens to
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
                    return new Exit(true, reason.describe());
                }
                case StopReason.Reboot r -> {
                    if (hostStop) return new Exit(true, "powered off by the daemon");
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
            current = next;
            next.start();
        }
    }

    @Override
    public Map<String, Object> stats() {
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("machine", "virt");
        stats.put("cpus", config.cpus());
        stats.put("memoryBytes", config.memoryBytes());
        stats.put("boots", boots);
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
