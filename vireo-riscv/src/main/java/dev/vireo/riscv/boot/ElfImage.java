package dev.vireo.riscv.boot;

import dev.vireo.riscv.MachineException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A 64-bit little-endian RISC-V ELF executable (System V gABI; RISC-V ELF psABI): its entry
 * point and its PT_LOAD segments, placed at their physical addresses as QEMU's ELF loader
 * does. Validates every header field it relies on, so a truncated or foreign file gives a
 * one-line reason instead of an exception from deep inside the loader.
 */
public record ElfImage(long entry, List<Segment> segments) {
    static final int EM_RISCV = 243, ET_EXEC = 2, PT_LOAD = 1;
    static final int EHDR_SIZE = 64, PHDR_SIZE = 56;

    /** One PT_LOAD segment: file bytes [offset, offset+fileSize) at physicalAddress, zero-filled to memorySize. */
    public record Segment(long physicalAddress, long offset, long fileSize, long memorySize) {
        public long end() { return physicalAddress + memorySize; }
    }

    public static boolean isElf(byte[] bytes) {
        return bytes.length >= 4 && bytes[0] == 0x7F && bytes[1] == 'E' && bytes[2] == 'L' && bytes[3] == 'F';
    }

    public static ElfImage parse(String name, byte[] bytes) {
        if (!isElf(bytes)) throw bad(name, "not an ELF file");
        if (bytes.length < EHDR_SIZE) throw bad(name, "truncated ELF header");
        if (bytes[4] != 2 || bytes[5] != 1) throw bad(name, "not a 64-bit little-endian ELF (RV64 needs ELFCLASS64, ELFDATA2LSB)");
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int machine = Short.toUnsignedInt(b.getShort(18));
        if (machine != EM_RISCV) throw bad(name, "built for ELF machine " + machine + ", not RISC-V (243)");
        if (Short.toUnsignedInt(b.getShort(16)) != ET_EXEC) throw bad(name, "not an executable (link it with a fixed address, ET_EXEC)");
        long entry = b.getLong(24);
        long phoff = b.getLong(32);
        int phentsize = Short.toUnsignedInt(b.getShort(54));
        int phnum = Short.toUnsignedInt(b.getShort(56));
        if (phentsize != PHDR_SIZE || phoff < 0 || phoff + (long) phnum * PHDR_SIZE > bytes.length) {
            throw bad(name, "program headers are missing or truncated");
        }
        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int at = (int) (phoff + (long) i * PHDR_SIZE);
            if (b.getInt(at) != PT_LOAD) continue;
            Segment s = new Segment(b.getLong(at + 24), b.getLong(at + 8), b.getLong(at + 32), b.getLong(at + 40));
            if (s.offset() < 0 || s.fileSize() < 0 || s.offset() + s.fileSize() > bytes.length || s.memorySize() < s.fileSize()) {
                throw bad(name, "segment " + i + " lies outside the file");
            }
            if (s.memorySize() > 0) segments.add(s);
        }
        if (segments.isEmpty()) throw bad(name, "has no loadable segments");
        return new ElfImage(entry, List.copyOf(segments));
    }

    /** Lowest and past-the-end physical addresses of the loaded image. */
    public long lowest() { return segments.stream().mapToLong(Segment::physicalAddress).min().orElseThrow(); }

    public long highest() { return segments.stream().mapToLong(Segment::end).max().orElseThrow(); }

    private static MachineException bad(String name, String why) {
        return new MachineException("'" + name + "' cannot be loaded: " + why);
    }
}
