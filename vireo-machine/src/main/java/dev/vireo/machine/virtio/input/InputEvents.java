package dev.vireo.machine.virtio.input;

/**
 * The few Linux input event codes the devices use (linux/input-event-codes.h, linux/input.h);
 * virtio-input carries them unchanged (virtio 1.2 §5.8.6: {@code struct virtio_input_event}
 * is {@code { le16 type; le16 code; le32 value; }}, 8 bytes).
 */
public final class InputEvents {
    public static final int EV_SYN = 0x00, EV_KEY = 0x01;
    public static final int SYN_REPORT = 0;
    public static final int KEY_POWER = 116;
    /** Number of key codes (KEY_MAX + 1). */
    public static final int KEY_CNT = 0x300;
    /** {@code BUS_VIRTUAL} of linux/input.h. */
    public static final int BUS_VIRTUAL = 0x06;
    /** Bytes of one {@code virtio_input_event}. */
    public static final int EVENT_SIZE = 8;

    private InputEvents() {}

    /** Packs one event as the device queues it: type in bits 0-15, code in 16-31, value in 32-63 (the wire order, little-endian). */
    static long pack(int type, int code, int value) {
        return (type & 0xFFFFL) | ((code & 0xFFFFL) << 16) | ((long) value << 32);
    }
}
