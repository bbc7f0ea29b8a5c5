package dev.vireo.machine.virtio;

import dev.vireo.machine.memory.GuestMemory;

/**
 * What a transport gives an activated device (virtio 1.2 §4): guest memory, the negotiated
 * features, the queues the driver set up, and the two interrupts. Implemented by
 * {@code VirtioMmioTransport}; a virtio-pci transport would implement it too.
 *
 * <p>The signal methods may be called from the device's I/O thread at any time; they never
 * block on the transport's register lock, so a device can signal while a vCPU is resetting it.
 */
public interface VirtioContext {
    GuestMemory memory();

    /** Features the driver accepted (FEATURES_OK), a subset of {@link VirtioDevice#deviceFeatures()}. */
    long features();

    /** Queue {@code index}; {@link Virtqueue#isReady()} says whether the driver enabled it. */
    Virtqueue queue(int index);

    /** Raises the used-buffer interrupt (interrupt status bit 0, §4.2.2). */
    void signalUsedBuffers();

    /** Raises the configuration-change interrupt after bumping the config generation (§2.5.1, §4.2.2). */
    void signalConfigChange();

    /**
     * Puts the device in DEVICE_NEEDS_RESET (§2.1.2) and raises a configuration-change
     * interrupt; logs {@code reason} once. The device must stop using its queues.
     */
    void deviceError(String reason);
}
