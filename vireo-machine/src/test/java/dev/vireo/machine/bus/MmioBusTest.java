package dev.vireo.machine.bus;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MmioBusTest {
    private static final class Recorder implements MmioDevice {
        final List<String> log = new ArrayList<>();

        @Override
        public long read(long offset, int size) { return 0x100 + offset; }

        @Override
        public void write(long offset, int size, long value) { log.add(offset + "/" + size + "=" + value); }
    }

    @Test
    void dispatchesByAddressWithOffsetsRelativeToTheWindow() {
        MmioBus bus = new MmioBus();
        Recorder uart = new Recorder(), virtio = new Recorder(), high = new Recorder();
        bus.register(0x1000_1000L, 0x1000, virtio);
        bus.register(0x1000_0000L, 0x100, uart);
        bus.register(0xFFFF_FFFF_FFFF_F000L, 0x1000, high); // the top page: unsigned order

        bus.write(0x1000_0005L, 1, 7);
        bus.write(0x1000_1070L, 4, 1);
        assertThat(bus.read(0x1000_1FFCL, 4)).isEqualTo(0x100 + 0xFFC);
        assertThat(bus.read(0xFFFF_FFFF_FFFF_FFF8L, 8)).isEqualTo(0x100 + 0xFF8);
        assertThat(uart.log).containsExactly("5/1=7");
        assertThat(virtio.log).containsExactly("112/4=1");
    }

    @Test
    void unmappedAddressesThrowTheAccessFaultException() {
        MmioBus bus = new MmioBus();
        bus.register(0x1000_0000L, 0x100, new Recorder());
        assertThat(bus.isMapped(0x1000_00FFL)).isTrue();
        assertThat(bus.isMapped(0x1000_0100L)).isFalse();
        assertThatThrownBy(() -> bus.read(0x0FFF_FFFFL, 4)).isInstanceOf(MmioBus.UnmappedAccessException.class);
        assertThatThrownBy(() -> bus.write(0x1000_0100L, 4, 0)).isInstanceOf(MmioBus.UnmappedAccessException.class);
    }

    @Test
    void rejectsOverlappingAndEmptyWindows() {
        MmioBus bus = new MmioBus();
        bus.register(0x1000_0000L, 0x1000, new Recorder());
        assertThatThrownBy(() -> bus.register(0x1000_0FFFL, 2, new Recorder())).hasMessageContaining("overlaps");
        assertThatThrownBy(() -> bus.register(0x0FFF_F000L, 0x2000, new Recorder())).hasMessageContaining("overlaps");
        assertThatThrownBy(() -> bus.register(0x2000_0000L, 0, new Recorder())).hasMessageContaining("positive");
        bus.register(0x1000_1000L, 0x1000, new Recorder()); // adjacent is fine
    }
}
