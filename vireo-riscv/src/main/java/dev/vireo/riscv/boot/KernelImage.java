package dev.vireo.riscv.boot;

import dev.vireo.riscv.MachineException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The header of a RISC-V Linux kernel Image (Linux Documentation/arch/riscv/boot-image-header.rst):
 *
 * <pre>
 * 0x00 u32 code0        0x20 u32 version
 * 0x04 u32 code1        0x24 u32 res1
 * 0x08 u64 text_offset  0x28 u64 res2
 * 0x10 u64 image_size   0x30 u64 magic  "RISCV\0\0\0" (deprecated)
 * 0x18 u64 flags        0x38 u32 magic2 "RSC\x05"
 *                       0x3C u32 res3   (PE/COFF header offset for EFI)
 * </pre>
 *
 * {@code image_size} covers the kernel's bss too: the loader must leave that much RAM free
 * from the load address. All fields are little-endian.
 */
public record KernelImage(long textOffset, long imageSize, long flags, int version) {
    static final int HEADER_SIZE = 64;
    static final int MAGIC2 = 0x05435352; // "RSC\x05" read little-endian

    /** True if {@code bytes} start with an Image header. */
    public static boolean isImage(byte[] bytes) {
        return bytes.length >= HEADER_SIZE && le(bytes).getInt(0x38) == MAGIC2;
    }

    /** Parses the header of the file named {@code name} (for messages). */
    public static KernelImage parse(String name, byte[] bytes) {
        if (!isImage(bytes)) {
            throw new MachineException("kernel '" + name + "' is not a RISC-V Linux Image (no \"RSC\\x05\" magic at"
                    + " offset 0x38); pass an Image such as Debian's /boot/vmlinux-*, or a bare-metal ELF with --bios none");
        }
        ByteBuffer b = le(bytes);
        long imageSize = b.getLong(0x10);
        // Old kernels leave image_size at 0; then the file itself is all we know.
        if (imageSize == 0) imageSize = bytes.length;
        if (imageSize < bytes.length) {
            throw new MachineException("kernel '" + name + "' is corrupt: its header says image_size " + imageSize
                    + " but the file has " + bytes.length + " bytes");
        }
        return new KernelImage(b.getLong(0x08), imageSize, b.getLong(0x18), b.getInt(0x20));
    }

    private static ByteBuffer le(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
}
