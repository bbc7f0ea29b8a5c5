package dev.vireo.riscv.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * OpenSBI's {@code struct fw_dynamic_info} (opensbi include/sbi/fw_dynamic.h), which a
 * fw_dynamic firmware finds at the address in a2: where to jump next and in which mode.
 *
 * <pre>
 * 0x00 magic      0x4942534f ("OSBI")   0x18 next_mode  1 = S-mode
 * 0x08 version    2                      0x20 options    0
 * 0x10 next_addr  the kernel's entry     0x28 boot_hart  -1 = any hart may boot
 * </pre>
 *
 * Each field is an unsigned long (8 bytes on RV64), little-endian.
 */
public record FirmwareDynamicInfo(long nextAddress, long nextMode, long options, long bootHart) {
    public static final long MAGIC = 0x4942534fL, VERSION = 2, MODE_S = 1;
    public static final int SIZE = 48;

    /** Jump to {@code kernelEntry} in S-mode, any hart may do the cold boot. */
    public static FirmwareDynamicInfo forKernel(long kernelEntry) {
        return new FirmwareDynamicInfo(kernelEntry, MODE_S, 0, -1);
    }

    public byte[] toBytes() {
        return ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(MAGIC).putLong(VERSION).putLong(nextAddress).putLong(nextMode)
                .putLong(options).putLong(bootHart).array();
    }
}
