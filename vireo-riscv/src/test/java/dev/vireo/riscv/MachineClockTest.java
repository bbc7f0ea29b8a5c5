package dev.vireo.riscv;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Guest time: runs at 10 MHz, stands still while frozen, and runs on without a jump. */
class MachineClockTest {
    private final MachineClock clock = new MachineClock();

    @Test
    void frozenClockStandsStillAndThawsWithoutAJump() throws Exception {
        Thread.sleep(20);
        clock.freeze();
        long frozen = clock.mtime();
        assertThat(frozen).isGreaterThanOrEqualTo(20 * 10_000L);
        Thread.sleep(200);
        assertThat(clock.mtime()).isEqualTo(frozen);
        assertThat(clock.frozen()).isTrue();

        long before = System.nanoTime();
        clock.thaw();
        long after = clock.mtime();
        long hostTicks = (System.nanoTime() - before) / 100 + 1;
        assertThat(after).isBetween(frozen, frozen + hostTicks); // the 200 ms are not in guest time
        Thread.sleep(20);
        assertThat(clock.mtime()).isGreaterThanOrEqualTo(frozen + 20 * 10_000L);
    }

    @Test
    void freezeAndThawAreIdempotent() throws Exception {
        clock.freeze();
        long frozen = clock.mtime();
        Thread.sleep(5);
        clock.freeze();
        assertThat(clock.mtime()).isEqualTo(frozen);
        clock.thaw();
        clock.thaw();
        assertThat(clock.frozen()).isFalse();
        assertThat(clock.mtime()).isGreaterThanOrEqualTo(frozen);
    }

    @Test
    void guestWritesToMtimeHoldWhileFrozenAndRunOnAfterwards() {
        clock.freeze();
        clock.setMtime(5_000_000L);
        assertThat(clock.mtime()).isEqualTo(5_000_000L);
        clock.thaw();
        assertThat(clock.mtime()).isGreaterThanOrEqualTo(5_000_000L).isLessThan(5_000_000L + 10_000_000L);
    }

    @Test
    void nanosUntilADeadlineDoNotShrinkWhileFrozen() throws Exception {
        clock.freeze();
        long deadline = clock.mtime() + 1_000; // 100 µs of guest time
        Thread.sleep(5);
        assertThat(clock.nanosUntil(deadline)).isEqualTo(100_000L);
    }
}
