package dev.vireo.kvm.boot;

import dev.vireo.machine.memory.GuestMemory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Loads a bare-metal x86-64 ELF64 executable (not Linux) into guest RAM: each PT_LOAD segment
 * is copied to its physical address ({@code p_paddr}), the rest of {@code p_memsz} zeroed.
 * The entry state is documented in docs/kvm-entry.md. Every offset and size read from the
 * file is checked against the file and against RAM before use (System V gABI, ELF-64 Object
 * File Format 1.5).
 */
public final class ElfLoader {
    private static final int PT_LOAD = 1, PT_NOTE = 4, ET_EXEC = 2, EM_X86_64 = 62;

    /** What was loaded: the entry point and the highest loaded address (exclusive). */
    public record Loaded(long entry, long lowest, long highest) {}

    private ElfLoader() {}

    /** True if {@code image} starts with the ELF magic. */
    public static boolean isElf(byte[] image) {
        return image.length >= 4 && image[0] == 0x7F && image[1] == 'E' && image[2] == 'L' && image[3] == 'F';
    }

    public static Loaded load(byte[] image, GuestMemory memory) {
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        if (!isElf(image) || image.length < 64) throw new BootException("not an ELF file (or shorter than its header)");
        if (image[4] != 2 || image[5] != 1) throw new BootException("not a little-endian ELF64 file");
        if (Short.toUnsignedInt(b.getShort(18)) != EM_X86_64) {
            throw new BootException("ELF machine " + Short.toUnsignedInt(b.getShort(18)) + " is not x86-64 (62)");
        }
        if (Short.toUnsignedInt(b.getShort(16)) != ET_EXEC) throw new BootException("ELF is not an executable (ET_EXEC)");
        long entry = b.getLong(24), phoff = b.getLong(32);
        int phentsize = Short.toUnsignedInt(b.getShort(54)), phnum = Short.toUnsignedInt(b.getShort(56));
        if (phentsize < 56 || phnum == 0 || phoff < 0 || phoff > image.length
                || (long) phentsize * phnum > image.length - phoff) {
            throw new BootException("ELF program headers lie outside the file (truncated?)");
        }
        long lowest = Long.MAX_VALUE, highest = 0;
        boolean entryLoaded = false;
        for (int i = 0; i < phnum; i++) {
            int ph = (int) (phoff + (long) i * phentsize);
            int type = b.getInt(ph);
            if (type == PT_NOTE && isLinuxNote(b, ph, image.length)) {
                throw new BootException("this ELF is a Linux vmlinux; boot its bzImage (arch/x86/boot/bzImage) instead");
            }
            if (type != PT_LOAD) continue;
            long offset = b.getLong(ph + 8), paddr = b.getLong(ph + 24);
            long filesz = b.getLong(ph + 32), memsz = b.getLong(ph + 40);
            if (filesz < 0 || memsz < filesz || offset < 0 || offset > image.length || filesz > image.length - offset) {
                throw new BootException(String.format("ELF segment %d: bad sizes or data beyond the file (truncated?)", i));
            }
            if (memsz == 0) continue;
            if (Long.compareUnsigned(paddr, LowMemory.KERNEL_MIN) < 0) {
                throw new BootException(String.format("ELF segment %d at 0x%x overlaps Vireo's boot area below 0x%x; link it at 1 MiB or higher",
                        i, paddr, LowMemory.KERNEL_MIN));
            }
            if (!memory.contains(paddr, memsz)) {
                throw new BootException(String.format("ELF segment %d [0x%x, 0x%x) is outside guest RAM [0x%x, 0x%x); give the VM more memory",
                        i, paddr, paddr + memsz, memory.base(), memory.end()));
            }
            memory.write(paddr, image, (int) offset, (int) filesz);
            memory.slice(paddr + filesz, memsz - filesz).fill((byte) 0);
            lowest = Math.min(lowest, paddr);
            highest = Math.max(highest, paddr + memsz);
            if (Long.compareUnsigned(entry - paddr, memsz) < 0) entryLoaded = true;
        }
        if (highest == 0) throw new BootException("ELF has no loadable segment");
        if (!entryLoaded) throw new BootException(String.format("ELF entry point 0x%x is not inside a loaded segment", entry));
        return new Loaded(entry, lowest, highest);
    }

    /** A note named "Linux" or "Xen" marks a kernel image (vmlinux), which needs the Linux boot protocol. */
    private static boolean isLinuxNote(ByteBuffer b, int ph, int fileLength) {
        long offset = b.getLong(ph + 8), size = b.getLong(ph + 32);
        if (offset < 0 || size < 12 || offset > fileLength - size) return false;
        int nameSize = b.getInt((int) offset);
        if (nameSize < 4 || nameSize > 6 || 12 + nameSize > size) return false;
        byte[] name = new byte[nameSize - 1];
        b.get((int) offset + 12, name);
        String s = new String(name, java.nio.charset.StandardCharsets.US_ASCII);
        return s.equals("Linux") || s.equals("Xen");
    }
}
