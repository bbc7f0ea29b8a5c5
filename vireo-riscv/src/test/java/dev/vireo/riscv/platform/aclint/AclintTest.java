package dev.vireo.riscv.platform.aclint;

import dev.vireo.riscv.MachineClock;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AclintTest {
    static final class FakeHart implements AclintHart {
        boolean msip;
        long mtimecmp = -1;

        @Override public void setSoftwareInterrupt(boolean level) { msip = level; }
        @Override public boolean softwareInterrupt() { return msip; }
        @Override public void setMtimecmp(long value) { mtimecmp = value; }
        @Override public long mtimecmp() { return mtimecmp; }
    }

    private final FakeHart h0 = new FakeHart(), h1 = new FakeHart();
    private final MachineClock clock = new MachineClock();
    private final Aclint aclint = new Aclint(List.of(h0, h1), clock);

    @Test
    void msipWordsRaiseSoftwareInterruptsPerHart() {
        aclint.write(4, 4, 1);
        assertThat(h1.msip).isTrue();
        assertThat(h0.msip).isFalse();
        assertThat(aclint.read(4, 4)).isEqualTo(1);
        aclint.write(4, 4, 0);
        assertThat(h1.msip).isFalse();
    }

    @Test
    void mtimecmpIsWrittenWholeOrInHalves() {
        aclint.write(0x4008, 8, 0x1234_5678_9ABC_DEF0L);
        assertThat(h1.mtimecmp).isEqualTo(0x1234_5678_9ABC_DEF0L);
        aclint.write(0x4000, 4, 0xFFFF_FFFFL);
        aclint.write(0x4004, 4, 0x0000_0001L);
        assertThat(h0.mtimecmp).isEqualTo(0x1_FFFF_FFFFL);
        assertThat(aclint.read(0x4004, 4)).isEqualTo(1);
        assertThat(aclint.read(0x4000, 8)).isEqualTo(0x1_FFFF_FFFFL);
    }

    @Test
    void mtimeAdvancesAtTheTimebaseAndCanBeSet() throws Exception {
        long t0 = aclint.read(0xBFF8, 8);
        Thread.sleep(20);
        long t1 = aclint.read(0xBFF8, 8);
        assertThat(t1 - t0).isBetween(150_000L, 100_000_000L); // 20 ms at 10 MHz is 200 000 ticks
        aclint.write(0xBFF8, 8, 1L << 40);
        assertThat(aclint.read(0xBFFC, 4)).isEqualTo(1L << 8);
        assertThat(clock.mtime()).isGreaterThanOrEqualTo(1L << 40);
    }

    @Test
    void offsetsBeyondTheHartsReadZeroAndIgnoreWrites() {
        aclint.write(8, 4, 1);
        assertThat(aclint.read(8, 4)).isZero();
        aclint.write(0x4010, 8, 5);
        assertThat(aclint.read(0x4010, 8)).isZero();
    }
}
