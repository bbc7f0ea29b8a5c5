package dev.vireo.kvm;

import dev.vireo.kvm.KvmMachine.Outcome;
import dev.vireo.kvm.boot.BootException;
import dev.vireo.kvm.devices.ConsoleInput;
import dev.vireo.machine.nativeio.NativeException;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The foreground entry point for {@code vireo run --accel kvm}: boots one guest with the console
 * on the given streams, returns when it ends, and turns every way of ending into an exit code
 * and at most a few lines on {@code err} (never a stack trace).
 * <ul>
 *   <li>0: the guest reset or powered off (Vireo treats a reset as the end of the VM), or was stopped;</li>
 *   <li>1: the guest died: a triple fault or a KVM failure, reported with its registers;</li>
 *   <li>2: the VM could not be started: bad kernel or initrd, too little memory, no KVM.</li>
 * </ul>
 */
public final class KvmLauncher {
    public static final int EXIT_OK = 0, EXIT_GUEST_DIED = 1, EXIT_CANNOT_START = 2;

    /**
     * What {@code vireo run} passes on.
     *
     * @param reboots how many guest resets become reboots (a fresh machine from the same
     *                configuration) before a reset ends the VM: 0 by default, {@link Integer#MAX_VALUE}
     *                for {@code --reboot}
     * @param devices virtio-mmio devices (see {@link dev.vireo.kvm.devices.VirtioMmioSlots}); each
     *                reboot builds fresh devices from the same slots, so disk images the caller
     *                opened serve every boot and stay the caller's to close
     */
    public record Request(Path kernel, Optional<Path> initrd, String cmdline, long memoryBytes, int vcpus, int reboots,
                          List<KvmMachineConfig.MmioSlot> devices) {
        public Request {
            devices = devices == null ? List.of() : List.copyOf(devices);
        }

        public Request(Path kernel, Optional<Path> initrd, String cmdline, long memoryBytes, int vcpus, int reboots) {
            this(kernel, initrd, cmdline, memoryBytes, vcpus, reboots, List.of());
        }

        public Request(Path kernel, Optional<Path> initrd, String cmdline, long memoryBytes, int vcpus) {
            this(kernel, initrd, cmdline, memoryBytes, vcpus, 0);
        }
    }

    /**
     * Lets another thread (the console's escape key, a signal handler) end a run: the running
     * machine stops (exit 0, like a guest poweroff) and no reboot follows. Any thread may call
     * {@link #stop}, before, during or after the run.
     */
    public static final class Stopper {
        private volatile boolean requested;
        private volatile KvmMachine current;

        public void stop() {
            requested = true;
            KvmMachine machine = current;
            if (machine != null) machine.stop();
        }

        public boolean requested() { return requested; }

        private Outcome runToEnd(KvmMachineConfig config) {
            try (KvmMachine machine = KvmMachine.start(config)) {
                current = machine;
                if (requested) machine.stop();   // stop() came before current was set
                return machine.awaitEnd();
            } finally {
                current = null;
            }
        }
    }

    private KvmLauncher() {}

    public static int run(Request request, InputStream consoleIn, OutputStream consoleOut, PrintStream err) {
        return run(request, consoleIn, consoleOut, err, new Stopper());
    }

    /** Like {@link #run(Request, InputStream, OutputStream, PrintStream)}, ended early by {@code stopper}. */
    public static int run(Request request, InputStream consoleIn, OutputStream consoleOut, PrintStream err, Stopper stopper) {
        KvmMachineConfig config;
        try {
            // One reader of the console for all reboots, so no rebooted machine loses input.
            InputStream input = consoleIn == null ? null : new ConsoleInput(consoleIn);
            config = KvmMachineConfig.of(request.kernel(), request.memoryBytes(), request.vcpus())
                    .withLinux(request.initrd(), request.cmdline())
                    .withConsole(consoleOut, input)
                    .withMmioDevices(request.devices());
        } catch (IllegalArgumentException e) {
            err.println("vireo: " + e.getMessage());
            return EXIT_CANNOT_START;
        }
        Outcome outcome;
        try {
            int rebootsLeft = request.reboots();
            do {
                outcome = stopper.runToEnd(config);
            } while (outcome.reason() == KvmMachine.EndReason.RESET && !stopper.requested() && rebootsLeft-- > 0);
        } catch (BootException | KvmException e) {
            err.println("vireo: " + e.getMessage());
            return EXIT_CANNOT_START;
        } catch (NativeException e) {
            err.println("vireo: KVM refused to set up the VM: " + e.getMessage());
            return EXIT_CANNOT_START;
        }
        return switch (outcome.reason()) {
            case RESET, POWER_OFF, STOPPED -> EXIT_OK;
            case SHUTDOWN, FAILED -> {
                err.println("vireo: the guest stopped abnormally: " + outcome.detail());
                yield EXIT_GUEST_DIED;
            }
        };
    }
}
