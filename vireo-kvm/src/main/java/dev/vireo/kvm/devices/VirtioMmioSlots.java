package dev.vireo.kvm.devices;

import dev.vireo.image.DiskImage;
import dev.vireo.kvm.KvmMachineConfig.MmioSlot;
import dev.vireo.machine.virtio.VirtioDevice;
import dev.vireo.machine.virtio.blk.BlockConfig;
import dev.vireo.machine.virtio.blk.BlockDevice;
import dev.vireo.machine.virtio.mmio.VirtioMmioTransport;

import java.util.function.Supplier;

/**
 * Where the x86-64 KVM machine puts its virtio-mmio devices: slot {@code n} is a
 * {@link VirtioMmioTransport} window at {@code 0xD0000000 + n * 0x1000} in the MMIO gap, on
 * IOAPIC input {@code 16 + n} (level-triggered, active-high, as the DSDT's LNRO0005 entry says).
 * Inputs 16..23 are above the ISA range, so no 8259 or legacy device shares them.
 * <pre>
 *   slot 0  0xD0000000  GSI 16      slot 4  0xD0004000  GSI 20
 *   slot 1  0xD0001000  GSI 17      …
 *   slot 7  0xD0007000  GSI 23
 * </pre>
 * The devices are the ones the RISC-V virt machine uses (dev.vireo.machine.virtio.*); each
 * machine gets a fresh transport and device from the slot's factory, so a rebooted guest
 * finds a reset device in front of the same disk image. The machine closes the transport (and
 * with it the device's I/O thread) when the VM ends; the disk image stays the caller's.
 */
public final class VirtioMmioSlots {
    public static final long BASE = 0xD000_0000L, STRIDE = 0x1000;
    public static final int FIRST_IRQ = 16, COUNT = 8;

    private VirtioMmioSlots() {}

    /** Slot {@code index} holding the device {@code device} makes, named {@code name} in logs. */
    public static MmioSlot slot(int index, String name, Supplier<VirtioDevice> device) {
        if (index < 0 || index >= COUNT) {
            throw new IllegalArgumentException("virtio-mmio slot " + index + " does not exist (the machine has " + COUNT + ")");
        }
        return new MmioSlot(BASE + index * STRIDE, VirtioMmioTransport.WINDOW_SIZE, FIRST_IRQ + index,
                (memory, line) -> new VirtioMmioTransport(name, memory, device.get(), line));
    }

    /** Slot {@code index} holding a virtio-blk device in front of {@code disk}. */
    public static MmioSlot block(int index, BlockConfig config, DiskImage disk) {
        return slot(index, "virtio-blk " + config.name(), () -> new BlockDevice(config, disk));
    }
}
