package dev.vireo.kvm;

import dev.vireo.machine.bus.MmioDevice;
import dev.vireo.machine.hypervisor.VmExit;
import dev.vireo.machine.irq.InterruptLine;
import dev.vireo.machine.memory.GuestMemory;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Everything a {@link KvmMachine} is built from, validated once.
 *
 * @param kernel       an x86-64 bzImage (Linux, boot protocol 2.12+) or a bare-metal ELF64
 * @param initrd       initramfs for Linux (ignored for ELF guests)
 * @param cmdline      kernel command line for Linux; Vireo appends {@code virtio_mmio.device=} entries
 * @param memoryBytes  guest RAM at guest physical 0; 2 MiB to 3 GiB (the rest of the 4 GiB is the MMIO gap)
 * @param vcpus        number of vCPUs (1..{@value #MAX_VCPUS})
 * @param console      where the UART's output goes
 * @param consoleInput what the guest reads from the UART, or null for nothing
 * @param mmioDevices  virtio-mmio devices, announced on the command line and as ACPI LNRO0005 devices
 * @param exitObserver told (on the vCPU thread) of accesses no device claimed; for tests and diagnostics
 */
public record KvmMachineConfig(Path kernel, Optional<Path> initrd, String cmdline, long memoryBytes, int vcpus,
                               OutputStream console, InputStream consoleInput, List<MmioSlot> mmioDevices,
                               Consumer<VmExit> exitObserver) {
    public static final int MAX_VCPUS = 32;
    public static final long MIN_MEMORY = 2L << 20, MAX_MEMORY = 3L << 30;

    /**
     * Builds a device once the machine exists: it gets guest RAM and its interrupt line (an
     * IOAPIC input driven by KVM_IRQ_LINE: level-triggered, high while the device asserts it,
     * as the virtio-mmio transport expects). If the device is {@link AutoCloseable}, the machine
     * closes it when the VM ends.
     */
    @FunctionalInterface
    public interface MmioDeviceFactory {
        MmioDevice create(GuestMemory memory, InterruptLine line);
    }

    /**
     * One virtio-mmio device: its register window in the MMIO gap and its interrupt (an IOAPIC
     * input, announced level-triggered and active-high in the DSDT).
     */
    public record MmioSlot(long base, long size, int irq, MmioDeviceFactory factory) {
        public MmioSlot {
            if (base < MAX_MEMORY || size <= 0 || base + size > 0xFEC0_0000L) {
                throw new IllegalArgumentException(String.format(
                        "MMIO window 0x%x+0x%x must lie in the MMIO gap [3 GiB, 0xFEC00000)", base, size));
            }
            if (irq < 5 || irq > 23) throw new IllegalArgumentException("MMIO device IRQ must be 5..23, got " + irq);
        }
    }

    public KvmMachineConfig {
        if (kernel == null) throw new IllegalArgumentException("a kernel is required");
        initrd = initrd == null ? Optional.empty() : initrd;
        cmdline = cmdline == null ? "" : cmdline;
        if (memoryBytes < MIN_MEMORY || memoryBytes > MAX_MEMORY || (memoryBytes & 0xFFF) != 0) {
            throw new IllegalArgumentException(String.format(
                    "memory must be a multiple of 4 KiB between 2 MiB and 3 GiB, got %d bytes", memoryBytes));
        }
        if (vcpus < 1 || vcpus > MAX_VCPUS) throw new IllegalArgumentException("vCPUs must be 1.." + MAX_VCPUS + ", got " + vcpus);
        if (console == null) console = OutputStream.nullOutputStream();
        mmioDevices = mmioDevices == null ? List.of() : List.copyOf(mmioDevices);
        exitObserver = exitObserver == null ? exit -> { } : exitObserver;
    }

    /** A configuration with defaults: no initrd, empty command line, console discarded. */
    public static KvmMachineConfig of(Path kernel, long memoryBytes, int vcpus) {
        return new KvmMachineConfig(kernel, Optional.empty(), "", memoryBytes, vcpus, null, null, List.of(), null);
    }

    public KvmMachineConfig withConsole(OutputStream out, InputStream in) {
        return new KvmMachineConfig(kernel, initrd, cmdline, memoryBytes, vcpus, out, in, mmioDevices, exitObserver);
    }

    public KvmMachineConfig withLinux(Optional<Path> initrdPath, String commandLine) {
        return new KvmMachineConfig(kernel, initrdPath, commandLine, memoryBytes, vcpus, console, consoleInput, mmioDevices, exitObserver);
    }

    public KvmMachineConfig withMmioDevices(List<MmioSlot> devices) {
        return new KvmMachineConfig(kernel, initrd, cmdline, memoryBytes, vcpus, console, consoleInput, devices, exitObserver);
    }

    public KvmMachineConfig withExitObserver(Consumer<VmExit> observer) {
        return new KvmMachineConfig(kernel, initrd, cmdline, memoryBytes, vcpus, console, consoleInput, mmioDevices, observer);
    }
}
