package dev.vireo.machine.boot;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a kernel file is, read from its first bytes: the guest architecture and the image
 * format. Recognised formats:
 * <ul>
 *   <li>x86 bzImage: boot flag 0xAA55 at 0x1FE and "HdrS" at 0x202 (Linux boot.rst);</li>
 *   <li>RISC-V Image: magic "RISCV\0\0\0" at 0x30 or "RSC\x05" at 0x38 (Linux riscv/boot-image-header.rst);</li>
 *   <li>ELF64 little-endian with e_machine EM_X86_64 (62) or EM_RISCV (243).</li>
 * </ul>
 */
public record KernelFile(Path path, GuestArchitecture architecture, Format format) {
    /** The kernel image formats Vireo boots. */
    public enum Format { BZIMAGE, RISCV_IMAGE, ELF64 }

    private static final int EM_X86_64 = 62, EM_RISCV = 243;
    private static final int HEADER_BYTES = 0x240;

    /** Reads the header of {@code path} and classifies it. */
    public static KernelFile probe(Path path) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes(HEADER_BYTES);
        }
        return classify(path, head);
    }

    /** Classifies the first bytes of a kernel file ({@code head} may be shorter than a header). */
    public static KernelFile classify(Path path, byte[] head) {
        ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        if (head.length >= 20 && b.getInt(0) == 0x464C457F) { // "\x7fELF"
            if (head[4] != 2) throw new KernelFormatException(path + ": 32-bit ELF; Vireo boots ELF64 kernels only");
            if (head[5] != 1) throw new KernelFormatException(path + ": big-endian ELF is not supported");
            int machine = Short.toUnsignedInt(b.getShort(18));
            return switch (machine) {
                case EM_X86_64 -> new KernelFile(path, GuestArchitecture.X86_64, Format.ELF64);
                case EM_RISCV -> new KernelFile(path, GuestArchitecture.RISCV64, Format.ELF64);
                default -> throw new KernelFormatException(
                        path + ": ELF for machine " + machine + "; Vireo runs x86-64 (62) and RISC-V (243)");
            };
        }
        if (head.length >= 0x206 && Short.toUnsignedInt(b.getShort(0x1FE)) == 0xAA55 && b.getInt(0x202) == 0x53726448) {
            return new KernelFile(path, GuestArchitecture.X86_64, Format.BZIMAGE);
        }
        if (head.length >= 0x40 && (b.getLong(0x30) == 0x0000_0056_4353_4952L || b.getInt(0x38) == 0x0543_5352)) {
            return new KernelFile(path, GuestArchitecture.RISCV64, Format.RISCV_IMAGE);
        }
        if (head.length < 0x40) {
            throw new KernelFormatException(path + ": only " + head.length + " bytes; too short to be a kernel");
        }
        throw new KernelFormatException(path + ": not a kernel (expected an x86 bzImage, a RISC-V Image or an ELF64 file)");
    }
}
