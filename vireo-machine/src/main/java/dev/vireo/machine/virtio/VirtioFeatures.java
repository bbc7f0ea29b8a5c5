package dev.vireo.machine.virtio;

/**
 * Device-independent feature bits (virtio 1.2 §6, "Reserved Feature Bits") that the core
 * implements for every device. Device-specific bits (0–23) live with each device.
 */
public final class VirtioFeatures {
    /** §6: the driver may use descriptors with VIRTQ_DESC_F_INDIRECT (§2.7.5.3). */
    public static final int INDIRECT_DESC = 28;
    /** §6: used_event / avail_event notification suppression (§2.7.7, §2.7.10). */
    public static final int EVENT_IDX = 29;
    /** §6: compliance with virtio 1.x; we offer no legacy interface, so it is mandatory. */
    public static final int VERSION_1 = 32;

    /** The bits the split-ring core supports, offered by every Vireo device. */
    public static final long CORE = bit(INDIRECT_DESC) | bit(EVENT_IDX) | bit(VERSION_1);

    private VirtioFeatures() {}

    public static long bit(int feature) { return 1L << feature; }

    public static boolean has(long features, int feature) { return (features & bit(feature)) != 0; }
}
