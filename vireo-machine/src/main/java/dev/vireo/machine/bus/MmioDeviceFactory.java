package dev.vireo.machine.bus;

import dev.vireo.machine.irq.InterruptLine;
import dev.vireo.machine.memory.GuestMemory;

/**
 * Builds a device for one slot of a machine (a virtio-mmio transport, say) once the machine
 * has its RAM and has wired the slot's interrupt: devices that do DMA need the memory, all
 * of them need their line. A machine calls it once per boot (again after a reboot, since a
 * reboot is a fresh machine); if the device is {@link AutoCloseable}, the machine closes it
 * when the machine closes.
 */
@FunctionalInterface
public interface MmioDeviceFactory {
    MmioDevice create(GuestMemory memory, InterruptLine interrupt);
}
