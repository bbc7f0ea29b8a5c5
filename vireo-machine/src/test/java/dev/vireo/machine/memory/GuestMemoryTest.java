package dev.vireo.machine.memory;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GuestMemoryTest {
    @Test
    void readsBackLittleEndianValuesAtGuestPhysicalAddresses() {
        try (GuestMemory ram = GuestMemory.allocate(0x8000_0000L, 1 << 20)) {
            ram.writeLong(0x8000_0010L, 0x1122_3344_5566_7788L);
            assertThat(ram.readByte(0x8000_0010L)).isEqualTo((byte) 0x88);
            assertThat(ram.readInt(0x8000_0014L)).isEqualTo(0x1122_3344);
            assertThat(ram.readLong(0x8000_0010L)).isEqualTo(0x1122_3344_5566_7788L);
        }
    }

    @Test
    void startsZeroed() {
        try (GuestMemory ram = GuestMemory.allocate(0, 1 << 16)) {
            assertThat(ram.readLong(0xFFF8)).isZero();
        }
    }

    @Test
    void rejectsAccessesOutsideRamIncludingOnesThatStraddleTheEnd() {
        try (GuestMemory ram = GuestMemory.allocate(0x1000, 0x1000)) {
            assertThatThrownBy(() -> ram.readInt(0xFFF)).isInstanceOf(GuestMemoryException.class);
            assertThatThrownBy(() -> ram.readInt(0x1FFE)).isInstanceOf(GuestMemoryException.class)
                    .hasMessageContaining("0x1ffe");
            assertThatThrownBy(() -> ram.write(0x1F00, new byte[0x200])).isInstanceOf(GuestMemoryException.class);
            assertThat(ram.contains(0x1000, 0x1000)).isTrue();
            assertThat(ram.contains(Long.MAX_VALUE, 8)).isFalse();
        }
    }

    @Test
    void isBackedByAMemfd() {
        try (GuestMemory ram = GuestMemory.allocate(0, 1 << 16)) {
            assertThat(ram.fd()).isPositive();
            assertThat(java.nio.file.Files.isSymbolicLink(java.nio.file.Path.of("/proc/self/fd/" + ram.fd()))).isTrue();
        }
    }

    @Test
    void refusesSizesThatAreNotWholePages() {
        assertThatThrownBy(() -> GuestMemory.allocate(0, 1000)).isInstanceOf(IllegalArgumentException.class);
    }
}
