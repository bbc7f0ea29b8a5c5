package dev.vireo.riscv.boot;

import dev.vireo.riscv.MachineException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ElfImageTest {
    @Test
    void readsEntryAndLoadSegments() {
        ElfImage elf = ElfImage.parse("k.elf", TestImages.elf(0x8000_0000L, new byte[] {1, 2, 3, 4}, 12));
        assertThat(elf.entry()).isEqualTo(0x8000_0000L);
        assertThat(elf.segments()).containsExactly(new ElfImage.Segment(0x8000_0000L, 0x100, 4, 16));
        assertThat(elf.highest()).isEqualTo(0x8000_0010L);
    }

    @Test
    void rejectsOtherMachinesAndTypesWithAReason() {
        byte[] x86 = TestImages.elf(0x1000, 0x1000, new byte[4], 0, 62, ElfImage.ET_EXEC);
        assertThatThrownBy(() -> ElfImage.parse("a.out", x86)).isInstanceOf(MachineException.class)
                .hasMessageContaining("not RISC-V");
        byte[] pie = TestImages.elf(0, 0, new byte[4], 0, ElfImage.EM_RISCV, 3);
        assertThatThrownBy(() -> ElfImage.parse("pie", pie)).hasMessageContaining("not an executable");
    }

    @Test
    void rejectsTruncatedFiles() {
        byte[] elf = TestImages.elf(0x8000_0000L, new byte[64], 0);
        assertThatThrownBy(() -> ElfImage.parse("cut", Arrays.copyOf(elf, 0x110))).hasMessageContaining("outside the file");
        assertThatThrownBy(() -> ElfImage.parse("tiny", Arrays.copyOf(elf, 20))).hasMessageContaining("truncated");
        assertThatThrownBy(() -> ElfImage.parse("text", "#!/bin/sh".getBytes())).hasMessageContaining("not an ELF");
    }
}
