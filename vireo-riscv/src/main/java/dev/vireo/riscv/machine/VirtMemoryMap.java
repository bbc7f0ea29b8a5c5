package dev.vireo.riscv.machine;

/**
 * Guest physical addresses of QEMU's {@code virt} board (qemu hw/riscv/virt.c), which Vireo
 * reproduces so that the same firmware, kernel and device-tree expectations hold in both.
 */
public final class VirtMemoryMap {
    private VirtMemoryMap() {}

    /** Mask ROM; holds the fw_dynamic info handed to OpenSBI in a2. */
    public static final long ROM = 0x1000, ROM_SIZE = 0x1000;
    public static final long TEST = 0x10_0000;
    public static final long RTC = 0x10_1000;
    public static final long ACLINT = 0x200_0000;
    public static final long PLIC = 0xC00_0000;
    public static final long UART = 0x1000_0000, UART_SIZE = 0x100;
    public static final long VIRTIO = 0x1000_1000, VIRTIO_STRIDE = 0x1000;
    public static final int VIRTIO_SLOTS = 8;
    /** The last slot holds the machine's own power button (virtio-input); the others are for attached devices. */
    public static final int POWER_BUTTON_SLOT = VIRTIO_SLOTS - 1, ATTACHABLE_VIRTIO_SLOTS = VIRTIO_SLOTS - 1;
    public static final long RAM = 0x8000_0000L;

    /** PLIC source numbers. */
    public static final int VIRTIO_IRQ_FIRST = 1, UART_IRQ = 10, RTC_IRQ = 11;

    /** The UART's input clock (1.8432 MHz × 2, as QEMU declares it). */
    public static final int UART_CLOCK_HZ = 3_686_400;

    public static long virtioSlot(int slot) { return VIRTIO + slot * VIRTIO_STRIDE; }
}
