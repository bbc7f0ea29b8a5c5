package dev.vireo.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code vireo run --bios none}: a bare-metal ELF assembled here talks to the UART and the syscon. */
@Tag("guest")
class RunBareMetalTest {
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    @TempDir Path dir;

    @Test
    void printsOverTheUartAndPowersOffWithExitZero() throws Exception {
        Path elf = BareMetal.build(dir, "hello", BareMetal.uartProgram("hello from bare metal", 0x5555));
        try (VireoProcess vireo = VireoProcess.start("run", "--bios", "none", "--kernel", elf.toString(), "--memory", "64M", "--cpus", "2")) {
            int status = vireo.waitFor(TIMEOUT);
            assertThat(vireo.stdout()).as(vireo.stderr()).isEqualTo("hello from bare metal\na0 ok\nfdt ok\n");
            assertThat(status).as(vireo.stderr()).isZero();
        }
    }

    @Test
    void guestFailureCodeGivesExitOneWithAReason() throws Exception {
        Path elf = BareMetal.build(dir, "fail", BareMetal.uartProgram("failing", 3 << 16 | 0x3333));
        try (VireoProcess vireo = VireoProcess.start("run", "--bios", "none", "--kernel", elf.toString(), "--memory", "64M")) {
            int status = vireo.waitFor(TIMEOUT);
            assertThat(status).as(vireo.stderr()).isEqualTo(1);
            assertThat(vireo.stdout()).startsWith("failing\n");
            assertThat(vireo.stderr()).isEqualTo("vireo: the guest reported failure with code 3\n");
        }
    }

    @Test
    void rebootRestartsTheProgramFromAFreshMachine() throws Exception {
        // No guest state survives a reboot (each boot is a fresh machine), so the program
        // reboots until a key is waiting in the UART (LSR.DR) and then powers off; the test
        // keeps typing once the first boot has printed, so some later boot sees the key.
        String program = BareMetal.uartProgram("boot", 0x7777)
                .replace("2:  li    t0, TEST\n", """
                        2:  li    t0, UART
                            lbu   t1, 5(t0)
                            andi  t1, t1, 1
                            li    t0, TEST
                            li    t2, 0x5555
                            beqz  t1, 6f
                            sw    t2, 0(t0)
                        6:  li    t0, TEST
                        """);
        Path elf = BareMetal.build(dir, "reboot", program);
        try (VireoProcess vireo = VireoProcess.start("run", "--bios", "none", "--kernel", elf.toString(), "--memory", "64M")) {
            assertThat(vireo.awaitStdout(out -> out.contains("boot\n"), TIMEOUT)).as(vireo.stderr()).isTrue();
            while (!vireo.awaitStdout(out -> false, Duration.ofMillis(200)) && vireo.isAlive()) vireo.type("q");
            int status = vireo.waitFor(TIMEOUT);
            assertThat(status).as(vireo.stderr()).isZero();
            assertThat(vireo.stdout().split("boot\n", -1).length - 1).as(vireo.stdout()).isGreaterThanOrEqualTo(2);
        }
    }
}
