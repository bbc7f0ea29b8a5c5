package dev.vireo.riscv.machine;

import dev.vireo.machine.lifecycle.StopReason;
import dev.vireo.riscv.boot.Firmware;
import dev.vireo.riscv.cpu.Hart;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The pause gate with real harts running bare-metal programs: every hart parks (one of them in
 * WFI), pc and instret stand still, guest time is frozen and runs on after resume without a
 * jump, and a timer armed before the pause fires relative to guest time.
 */
@Tag("guest") // needs binutils-riscv64-linux-gnu, as VirtMachineTest
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VirtMachinePauseTest {
    /** Where the programs leave what the test reads: a counter, the last mtime, flags. */
    private static final long DATA = 0x8010_0000L;
    private static final long COUNTER = DATA, LAST_TIME = DATA + 8, ARMED = DATA + 16, FIRED = DATA + 24, DEADLINE = DATA + 32;

    @TempDir Path dir;

    private VirtMachine machine(int cpus, String program) throws Exception {
        Path elf = BareMetalElf.build(dir, ".equ DATA, 0x80100000\n" + program);
        return VirtMachine.builder(new VirtConfig(32L << 20, cpus, new Firmware.None(), elf, null, "")).build();
    }

    /** Hart 0 counts and records mtime in a loop; hart 1 sleeps in WFI with no interrupt enabled. */
    private static final String COUNT_AND_SLEEP = """
                csrr  t0, mhartid
                bnez  t0, sleeper
                li    t0, DATA
                li    t2, CLINT + 0xbff8
            1:  ld    t1, 0(t0)
                addi  t1, t1, 1
                sd    t1, 0(t0)             # counter
                rdtime t3
                sd    t3, 8(t0)             # last guest time
                j     1b
            sleeper:
                wfi
                j     sleeper
            """;

    @Test
    void pauseParksEveryHartFreezesGuestTimeAndResumeRunsOnWithoutAJump() throws Exception {
        try (VirtMachine m = machine(2, COUNT_AND_SLEEP)) {
            m.start();
            await(() -> m.memory().readLong(COUNTER) > 10_000, "the counter to run");

            long pauseStarted = System.nanoTime();
            m.pause();
            assertThat(m.isPaused()).isTrue();
            long counter = m.memory().readLong(COUNTER), time = m.memory().readLong(LAST_TIME);
            long instret = m.instructionsRetired(), mtime = m.mtime();
            List<Long> pcs = m.harts().stream().map(Hart::pc).toList();
            Thread.sleep(300);
            assertThat(m.memory().readLong(COUNTER)).isEqualTo(counter);
            assertThat(m.memory().readLong(LAST_TIME)).isEqualTo(time);
            assertThat(m.instructionsRetired()).isEqualTo(instret);
            assertThat(m.harts().stream().map(Hart::pc).toList()).isEqualTo(pcs);
            assertThat(m.mtime()).isEqualTo(mtime);
            m.pause(); // idempotent
            assertThat(m.mtime()).isEqualTo(mtime);

            m.resume();
            assertThat(m.isPaused()).isFalse();
            await(() -> m.memory().readLong(COUNTER) > counter + 1_000, "the counter to run on after resume");
            long guestAfter = m.memory().readLong(LAST_TIME);
            long hostElapsed = System.nanoTime() - pauseStarted;
            // Guest time only ran while the machine did: at least the 300 ms of pause are missing.
            long guestElapsed = (guestAfter - time) * 100;
            assertThat(guestElapsed).isPositive().isLessThanOrEqualTo(hostElapsed - 300_000_000L + 1_000);
            assertThat(m.instructionsRetired()).isGreaterThan(instret);
        }
    }

    @Test
    void aTimerArmedBeforeThePauseFiresAfterItsGuestTimeNotItsHostTime() throws Exception {
        try (VirtMachine m = machine(1, """
                    li    t0, DATA
                    rdtime t1
                    li    t2, 2000000             # 200 ms at 10 MHz
                    add   t1, t1, t2
                    sd    t1, 32(t0)              # deadline
                    li    t2, CLINT + 0x4000
                    sd    t1, 0(t2)               # mtimecmp of hart 0
                    li    t2, 0x80                # mie.MTIE (mstatus.MIE stays 0: WFI only wakes)
                    csrw  mie, t2
                    li    t2, 1
                    sd    t2, 16(t0)              # armed
                1:  wfi
                    csrr  t3, mip
                    andi  t3, t3, 0x80
                    beqz  t3, 1b
                    rdtime t3
                    sd    t3, 8(t0)
                    li    t2, 1
                    sd    t2, 24(t0)              # fired
                    poweroff
                """)) {
            m.start();
            long armedSeen = awaitNanos(() -> m.memory().readLong(ARMED) == 1, "the timer to be armed");
            m.pause();
            long beforePause = System.nanoTime() - armedSeen; // host time the guest may have run since arming
            Thread.sleep(400);                                 // twice the timer: host time passes the deadline
            assertThat(m.memory().readLong(FIRED)).isZero();
            long resumed = System.nanoTime();
            m.resume();
            await(() -> m.memory().readLong(FIRED) == 1, "the timer to fire");
            long afterResume = System.nanoTime() - resumed;
            assertThat(m.memory().readLong(LAST_TIME)).isGreaterThanOrEqualTo(m.memory().readLong(DEADLINE));
            // Had guest time run during the pause, the timer would fire at once on resume.
            assertThat(afterResume).isGreaterThanOrEqualTo(200_000_000L - beforePause - 10_000_000L);
            assertThat(m.awaitStop()).isEqualTo(new StopReason.PowerOff());
        }
    }

    @Test
    void aPausedMachineStillStops() throws Exception {
        VirtMachine m = machine(2, COUNT_AND_SLEEP);
        try (m) {
            m.start();
            m.pause();
            m.requestStop(new StopReason.HostRequest("stopped while paused"));
            assertThat(m.awaitStop()).isEqualTo(new StopReason.HostRequest("stopped while paused"));
            assertThatThrownBy(m::pause).isInstanceOf(IllegalStateException.class).hasMessageContaining("not running");
        }
    }

    @Test
    void pauseBeforeStartIsRefused() throws Exception {
        try (VirtMachine m = machine(1, COUNT_AND_SLEEP)) {
            assertThatThrownBy(m::pause).isInstanceOf(IllegalStateException.class).hasMessageContaining("not running");
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        awaitNanos(condition, what);
    }

    /** Waits for {@code condition}; returns System.nanoTime() when it was seen. */
    private static long awaitNanos(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(1);
        }
        return System.nanoTime();
    }
}
