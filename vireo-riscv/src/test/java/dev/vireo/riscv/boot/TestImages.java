package dev.vireo.riscv.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Synthetic boot images built byte by byte, so the loader tests need no toolchain. */
final class TestImages {
    private TestImages() {}

    /** A RISC-V Linux Image of {@code fileSize} bytes whose header claims {@code imageSize}. */
    static byte[] linuxImage(int fileSize, long imageSize) {
        ByteBuffer b = ByteBuffer.allocate(fileSize).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 0x0000_006F); // j . (code0)
        b.putLong(8, 0x200000);
        b.putLong(16, imageSize);
        b.putInt(32, 2);
        b.put(48, "RISCV\0\0\0".getBytes());
        b.put(56, new byte[] {'R', 'S', 'C', 5});
        for (int i = 64; i < fileSize; i++) b.put(i, (byte) i);
        return b.array();
    }

    /** An ELF64 RISC-V executable with one PT_LOAD: {@code code} at {@code address}, memsz = code + bss. */
    static byte[] elf(long entry, long address, byte[] code, int bss, int machine, int type) {
        int phoff = 64, dataOffset = 0x100;
        ByteBuffer b = ByteBuffer.allocate(dataOffset + code.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1});
        b.putShort(16, (short) type).putShort(18, (short) machine).putInt(20, 1);
        b.putLong(24, entry).putLong(32, phoff).putLong(40, 0);
        b.putShort(52, (short) 64).putShort(54, (short) 56).putShort(56, (short) 1);
        b.putInt(phoff, 1).putInt(phoff + 4, 5).putLong(phoff + 8, dataOffset)
                .putLong(phoff + 16, address).putLong(phoff + 24, address)
                .putLong(phoff + 32, code.length).putLong(phoff + 40, code.length + bss).putLong(phoff + 48, 0x1000);
        b.put(dataOffset, code);
        return b.array();
    }

    static byte[] elf(long address, byte[] code, int bss) {
        return elf(address, address, code, bss, ElfImage.EM_RISCV, ElfImage.ET_EXEC);
    }
}
