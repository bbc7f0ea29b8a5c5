package dev.vireo.machine.virtio.blk;

import java.nio.charset.StandardCharsets;

/**
 * How one virtio-blk device is set up: its name in the VM ("vda", used for the I/O thread and
 * in logs), the serial number GET_ID returns (virtio 1.2 §5.2.6: at most 20 bytes), whether
 * the guest may write, and the queue size the device offers.
 */
public record BlockConfig(String name, String serial, boolean readOnly, int queueSize) {
    public static final int SERIAL_BYTES = 20;
    public static final int DEFAULT_QUEUE_SIZE = 256;

    public BlockConfig {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("block device needs a name, e.g. vda");
        if (serial == null) serial = "";
        if (serial.getBytes(StandardCharsets.US_ASCII).length > SERIAL_BYTES || !StandardCharsets.US_ASCII.newEncoder().canEncode(serial)) {
            throw new IllegalArgumentException("serial '" + serial + "' must be at most 20 ASCII characters");
        }
        if (queueSize < 4 || queueSize > 32768 || Integer.bitCount(queueSize) != 1) {
            throw new IllegalArgumentException("queue size must be a power of two in [4, 32768], got " + queueSize);
        }
    }

    public static BlockConfig of(String name, boolean readOnly) {
        return new BlockConfig(name, "vireo-" + name, readOnly, DEFAULT_QUEUE_SIZE);
    }
}
