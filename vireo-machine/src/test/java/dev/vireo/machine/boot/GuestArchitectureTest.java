package dev.vireo.machine.boot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GuestArchitectureTest {
    @TempDir
    Path dir;

    private Path file(String name, byte[] bytes) throws Exception { return Files.write(dir.resolve(name), bytes); }

    private static byte[] elf64(int machine) {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 0x464C457F).put(4, (byte) 2).put(5, (byte) 1).putShort(18, (short) machine);
        return b.array();
    }

    @Test
    void detectsX86BzImage() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(0x1000).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(0x1FE, (short) 0xAA55).putInt(0x202, 0x53726448);
        Path kernel = file("bzImage", b.array());
        assertThat(GuestArchitecture.detect(kernel)).isEqualTo(GuestArchitecture.X86_64);
        assertThat(KernelFile.probe(kernel).format()).isEqualTo(KernelFile.Format.BZIMAGE);
    }

    @Test
    void detectsElf64ForBothArchitectures() throws Exception {
        assertThat(KernelFile.probe(file("x86.elf", elf64(62))))
                .extracting(KernelFile::architecture, KernelFile::format)
                .containsExactly(GuestArchitecture.X86_64, KernelFile.Format.ELF64);
        assertThat(GuestArchitecture.detect(file("rv.elf", elf64(243)))).isEqualTo(GuestArchitecture.RISCV64);
    }

    @Test
    void detectsRiscvImageByEitherMagic() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(0x1000).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(0, (short) 0x5A4D).putInt(0x38, 0x0543_5352);   // "MZ" (EFI stub) and "RSC\x05"
        assertThat(KernelFile.probe(file("Image", b.array())).format()).isEqualTo(KernelFile.Format.RISCV_IMAGE);
        ByteBuffer old = ByteBuffer.allocate(0x100).order(ByteOrder.LITTLE_ENDIAN).putLong(0x30, 0x0000_0056_4353_4952L);
        assertThat(GuestArchitecture.detect(file("Image-old", old.array()))).isEqualTo(GuestArchitecture.RISCV64);
    }

    @Test
    void rejectsOtherFilesWithAReason() throws Exception {
        assertThatThrownBy(() -> GuestArchitecture.detect(file("short", new byte[10])))
                .isInstanceOf(KernelFormatException.class).hasMessageContaining("too short");
        assertThatThrownBy(() -> GuestArchitecture.detect(file("zeros", new byte[4096])))
                .isInstanceOf(KernelFormatException.class).hasMessageContaining("not a kernel");
        assertThatThrownBy(() -> GuestArchitecture.detect(file("arm.elf", elf64(183))))
                .isInstanceOf(KernelFormatException.class).hasMessageContaining("machine 183");
        byte[] elf32 = elf64(3);
        elf32[4] = 1;
        assertThatThrownBy(() -> GuestArchitecture.detect(file("i386.elf", elf32)))
                .isInstanceOf(KernelFormatException.class).hasMessageContaining("32-bit");
    }
}
