package dev.vireo.kvm;

import dev.vireo.kvm.acpi.AcpiTables;
import dev.vireo.kvm.boot.BootException;
import dev.vireo.kvm.boot.BootPlan;
import dev.vireo.kvm.boot.ElfLoader;
import dev.vireo.kvm.boot.LinuxBoot;
import dev.vireo.kvm.boot.LowMemory;
import dev.vireo.kvm.devices.AcpiSleepControl;
import dev.vireo.kvm.devices.I8042;
import dev.vireo.kvm.devices.Uart8250;
import dev.vireo.machine.bus.MmioBus;
import dev.vireo.machine.bus.MmioDevice;
import dev.vireo.machine.bus.PioBus;
import dev.vireo.machine.memory.GuestMemory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A running x86-64 VM on KVM: guest RAM, the {@link KvmVm}, the PC devices (COM1 8250 UART,
 * i8042 reset, ACPI sleep control), the virtio-mmio devices of the config, and one platform
 * thread per vCPU ({@link VcpuThreads}).
 *
 * <p>{@link #boot} is the whole life in one call (what {@code vireo run --accel kvm} needs):
 * build, run until the guest resets, powers off or dies, release everything. {@link #start}
 * gives the running machine for callers that pause, resume or stop it. Any thread may call
 * {@link #pause}, {@link #resume}, {@link #stop} and {@link #awaitEnd}.
 */
public final class KvmMachine implements AutoCloseable {
    /** How a VM's life ended. */
    public enum EndReason { RESET, POWER_OFF, SHUTDOWN, STOPPED, FAILED }

    /** The end of a VM: why, and details (register dump of a triple fault, the error of a failure). */
    public record Outcome(EndReason reason, String detail) {}

    private final KvmMachineConfig config;
    private final GuestMemory memory;
    private final KvmVm vm;
    private final Uart8250 uart;
    private final VcpuThreads vcpus;
    private final List<AutoCloseable> devices;
    private boolean closed;

    private KvmMachine(KvmMachineConfig config, GuestMemory memory, KvmVm vm, Uart8250 uart, VcpuThreads vcpus,
                       List<AutoCloseable> devices) {
        this.config = config;
        this.memory = memory;
        this.vm = vm;
        this.uart = uart;
        this.vcpus = vcpus;
        this.devices = devices;
    }

    /** Boots {@code config}'s guest, runs it to its end, releases everything, and says how it ended. */
    public static Outcome boot(KvmMachineConfig config) {
        try (KvmMachine machine = start(config)) {
            return machine.awaitEnd();
        }
    }

    /**
     * Builds the machine and starts its vCPUs.
     *
     * @throws BootException if the kernel or initrd cannot be loaded (message names the cause)
     * @throws KvmException  if KVM is unusable here (message says what to do)
     */
    public static KvmMachine start(KvmMachineConfig config) {
        byte[] kernel = readFile(config.kernel(), "kernel");
        GuestMemory memory = GuestMemory.allocate(0, config.memoryBytes());
        KvmVm vm = null;
        Uart8250 uart = null;
        List<AutoCloseable> closeables = new ArrayList<>();
        try {
            LowMemory.write(memory);
            BootPlan plan;
            if (ElfLoader.isElf(kernel)) {
                if (config.vcpus() > LowMemory.MAX_ELF_VCPUS) throw new BootException("too many vCPUs for an ELF guest");
                plan = new BootPlan(BootPlan.Kind.ELF, ElfLoader.load(kernel, memory).entry());
            } else {
                byte[] initrd = config.initrd().isPresent() ? readFile(config.initrd().get(), "initrd") : null;
                long rsdp = AcpiTables.write(memory, config.vcpus(), config.mmioDevices());
                plan = LinuxBoot.load(kernel, initrd, commandLine(config), memory, rsdp);
            }
            vm = KvmVm.create(memory, config.vcpus());
            PioBus pio = new PioBus();
            MmioBus mmio = new MmioBus();
            VcpuThreads threads = new VcpuThreads(vm, plan, pio, mmio, config.exitObserver());
            uart = new Uart8250(config.console(), vm.interruptLine(Uart8250.COM1_IRQ));
            pio.register(Uart8250.COM1_PORT, Uart8250.PORT_COUNT, uart);
            Runnable reset = () -> threads.end(EndReason.RESET, "the guest requested a reset (i8042)");
            pio.register(I8042.DATA_PORT, 1, I8042.dataPort(reset));
            pio.register(I8042.COMMAND_PORT, 1, I8042.commandPort(reset));
            pio.register(AcpiSleepControl.PORT, 1, new AcpiSleepControl(
                    () -> threads.end(EndReason.POWER_OFF, "the guest powered off (ACPI S5)")));
            for (KvmMachineConfig.MmioSlot slot : config.mmioDevices()) {
                MmioDevice device = Objects.requireNonNull(slot.factory().create(memory, vm.interruptLine(slot.irq())),
                        "an MMIO device factory returned null");
                if (device instanceof AutoCloseable closeable) closeables.add(closeable);
                mmio.register(slot.base(), slot.size(), device);
            }
            if (config.consoleInput() != null) uart.startInput(config.consoleInput());
            KvmMachine machine = new KvmMachine(config, memory, vm, uart, threads, closeables);
            threads.start();
            return machine;
        } catch (RuntimeException e) {
            closeAll(closeables);
            if (uart != null) uart.close();
            if (vm != null) vm.close();
            memory.close();
            throw e;
        }
    }

    private static void closeAll(List<AutoCloseable> closeables) {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                System.getLogger(KvmMachine.class.getName()).log(System.Logger.Level.WARNING, "closing a device failed", e);
            }
        }
    }

    /** The user's command line plus one {@code virtio_mmio.device=<size>@<base>:<irq>} per device. */
    static String commandLine(KvmMachineConfig config) {
        StringBuilder sb = new StringBuilder(config.cmdline());
        for (KvmMachineConfig.MmioSlot slot : config.mmioDevices()) {
            if (!sb.isEmpty()) sb.append(' ');
            sb.append(String.format("virtio_mmio.device=%d@0x%x:%d", slot.size(), slot.base(), slot.irq()));
        }
        return sb.toString();
    }

    private static byte[] readFile(java.nio.file.Path path, String what) {
        try {
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new BootException(what + " file not found: " + path);
        } catch (IOException e) {
            throw new BootException("cannot read " + what + " " + path + ": " + e.getMessage());
        }
    }

    public GuestMemory memory() { return memory; }

    public KvmVm vm() { return vm; }

    public KvmMachineConfig config() { return config; }

    /** Stops every vCPU outside guest code; returns once all are parked. */
    public void pause() { vcpus.pause(); }

    public void resume() { vcpus.resume(); }

    public boolean isPaused() { return vcpus.isPaused(); }

    /** Ends the VM (reason {@link EndReason#STOPPED}) unless it already ended; does not wait. */
    public void stop() { vcpus.end(EndReason.STOPPED, "stopped by the host"); }

    /** Waits until every vCPU thread has finished and returns how the VM ended. */
    public Outcome awaitEnd() {
        return vcpus.awaitEnd();
    }

    /** Like {@link #awaitEnd()} but gives up after {@code millis}; empty if still running. */
    public Optional<Outcome> awaitEnd(long millis) {
        return vcpus.awaitEnd(millis);
    }

    /** Stops the VM if still running, waits for its threads, and releases every fd and mapping. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        stop();
        vcpus.awaitEnd();
        closeAll(devices);
        uart.close();
        vm.close();
        memory.close();
    }
}
