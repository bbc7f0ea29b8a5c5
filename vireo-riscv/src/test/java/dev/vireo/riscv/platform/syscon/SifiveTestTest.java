package dev.vireo.riscv.platform.syscon;

import dev.vireo.machine.lifecycle.StopReason;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SifiveTestTest {
    private final List<StopReason> stops = new ArrayList<>();
    private final SifiveTest test = new SifiveTest(stops::add);

    @Test
    void passPowersOffResetReboots() {
        test.write(0, 4, 0x5555);
        test.write(0, 4, 0x7777);
        assertThat(stops).containsExactly(new StopReason.PowerOff(), new StopReason.Reboot());
    }

    @Test
    void failCarriesTheExitCodeInTheHighHalf() {
        test.write(0, 4, 42L << 16 | 0x3333);
        assertThat(stops).containsExactly(new StopReason.GuestFailure(42));
    }

    @Test
    void otherValuesOffsetsAndReadsDoNothing() {
        test.write(0, 4, 0x1234);
        test.write(4, 4, 0x5555);
        assertThat(test.read(0, 4)).isZero();
        assertThat(stops).isEmpty();
    }
}
