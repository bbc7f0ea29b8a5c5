package dev.vireo.machine.bus;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PioBusTest {
    private static final class Recorder implements PioDevice {
        final List<String> log = new ArrayList<>();

        @Override
        public long read(int offset, int size) { return 0x40 + offset; }

        @Override
        public void write(int offset, int size, long value) { log.add(offset + "=" + value); }
    }

    @Test
    void dispatchesByPortWithOffsetsRelativeToTheRange() {
        PioBus bus = new PioBus();
        Recorder uart = new Recorder(), kbd = new Recorder();
        bus.register(0x3F8, 8, uart);
        bus.register(0x64, 1, kbd);

        assertThat(bus.write(0x3F8, 1, 'h')).isTrue();
        assertThat(bus.write(0x64, 1, 0xFE)).isTrue();
        assertThat(bus.read(0x3FD, 1)).isEqualTo(0x45);
        assertThat(uart.log).containsExactly("0=104");
        assertThat(kbd.log).containsExactly("0=254");
    }

    @Test
    void unclaimedPortsReadMinusOneAndRejectWrites() {
        PioBus bus = new PioBus();
        bus.register(0x60, 1, new Recorder());
        assertThat(bus.read(0x61, 1)).isEqualTo(-1);
        assertThat(bus.write(0x80, 1, 0)).isFalse();
        assertThat(bus.isMapped(0x60)).isTrue();
    }

    @Test
    void rejectsOverlapsAndRangesOutsideThePortSpace() {
        PioBus bus = new PioBus();
        bus.register(0x3F8, 8, new Recorder());
        assertThatThrownBy(() -> bus.register(0x3FF, 2, new Recorder())).hasMessageContaining("overlap");
        assertThatThrownBy(() -> bus.register(0xFFFF, 2, new Recorder())).hasMessageContaining("bad port range");
    }
}
