package dev.vireo.machine.virtio;

/** Bits of the device status field (virtio 1.2 §2.1). */
public final class DeviceStatus {
    public static final int ACKNOWLEDGE = 1;
    public static final int DRIVER = 2;
    public static final int DRIVER_OK = 4;
    public static final int FEATURES_OK = 8;
    /** §2.1.1: the device hit an error it cannot recover from until the driver resets it. */
    public static final int DEVICE_NEEDS_RESET = 64;
    public static final int FAILED = 128;

    private DeviceStatus() {}
}
