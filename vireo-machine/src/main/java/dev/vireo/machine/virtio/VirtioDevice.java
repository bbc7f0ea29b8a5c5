package dev.vireo.machine.virtio;

import java.util.function.IntUnaryOperator;

/**
 * A virtio device model, independent of its transport (virtio 1.2 §2, §5). The transport
 * owns feature negotiation, queue configuration and interrupts; the device owns its config
 * space and what its queues mean.
 *
 * <p>Threads: every method except the config accessors is called by the transport on a vCPU
 * thread, serialized by the transport. {@link #notifyQueue} must only hand work off (to the
 * device's I/O thread), never do I/O. {@link #reset()} must return only once the device has
 * stopped touching guest memory and queues.
 */
public interface VirtioDevice extends AutoCloseable {
    /** Device ID (§5): 2 block, 4 entropy, … */
    int deviceId();

    /** Every feature bit the device offers, including {@link VirtioFeatures#CORE} bits it supports. */
    long deviceFeatures();

    int queueCount();

    /** Largest queue size the device accepts for queue {@code index} (a power of two). */
    int queueMaxSize(int index);

    /** Bytes of device-specific configuration space (§4.2.2 offset 0x100 onwards). */
    int configSize();

    /** Reads {@code size} bytes (1, 2, 4 or 8) little-endian at {@code offset} < {@link #configSize()}. */
    long readConfig(int offset, int size);

    /**
     * A {@link #readConfig} answer assembled from a config space given byte by byte:
     * {@code size} bytes from {@code offset}, little-endian (virtio's byte order).
     */
    static long littleEndian(IntUnaryOperator byteAt, int offset, int size) {
        long value = 0;
        for (int i = 0; i < size; i++) value |= (long) (byteAt.applyAsInt(offset + i) & 0xFF) << (8 * i);
        return value;
    }

    /** Driver write to config space; devices whose config is read-only ignore it. */
    default void writeConfig(int offset, int size, long value) {}

    /** The driver set DRIVER_OK (§3.1.1 step 8): start serving the queues. */
    void activate(VirtioContext context);

    /** The driver notified queue {@code index} ("kick"). Hand off; do not block. */
    void notifyQueue(int index);

    /** Device reset (§2.4): stop using queues and memory, forget negotiated state. */
    void reset();

    /** Stops the device's threads and releases its backend. */
    @Override
    void close();
}
