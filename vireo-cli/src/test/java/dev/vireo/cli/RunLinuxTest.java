package dev.vireo.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default guest (OpenSBI, Debian's kernel, the busybox initramfs) under {@code vireo run}:
 * its /init runs the shell command given as {@code vireo.exec=<base64>} and powers off.
 */
@Tag("guest")
class RunLinuxTest {
    // Generous: CI shares two cores, and a 4-hart guest on 2 host cores is slower still.
    static final Duration BOOT_TIMEOUT = Duration.ofMinutes(10);

    private static VireoProcess run(int cpus, String command) throws Exception {
        return VireoProcess.start(TestGuest.runArgs("512M", command, "--cpus", Integer.toString(cpus)).toArray(String[]::new));
    }

    @ParameterizedTest(name = "{0} cpus")
    @ValueSource(ints = {1, 2, 4})
    void linuxSeesEveryHartAndPowerOffExitsZero(int cpus) throws Exception {
        try (VireoProcess vireo = run(cpus, "echo NPROC=$(nproc) FS_MODULES=$(grep -c -e ^ext4 -e ^jbd2 /proc/modules)")) {
            int status = vireo.waitFor(BOOT_TIMEOUT);
            assertThat(vireo.stdout()).as(VireoProcess.tail(vireo.stdout())).contains("NPROC=" + cpus);
            // No disk, so /init leaves the file-system modules out (RunFileSystemTest mounts ext4 with one).
            assertThat(vireo.stdout()).contains("FS_MODULES=0");
            assertThat(vireo.stdout()).contains("Linux version").doesNotContain("WARNING:").doesNotContain("------------[ cut here ]");
            assertThat(status).as(vireo.stderr()).isZero();
        }
    }

    @Test
    void sigtermPressesThePowerButtonAndTheGuestPowersItselfOff() throws Exception {
        try (VireoProcess vireo = run(1, "echo GUEST-READY; sleep 600")) {
            assertThat(vireo.awaitStdout(out -> out.contains("GUEST-READY"), BOOT_TIMEOUT)).as(VireoProcess.tail(vireo.stdout())).isTrue();
            assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(vireo.pid())).start().waitFor()).isZero();
            int status = vireo.waitFor(Duration.ofSeconds(60));
            assertThat(vireo.stderr()).contains("pressed the power button");
            // The guest's own path: acpid's action ends the command, /init reports it and powers off.
            assertThat(vireo.stdout()).as(VireoProcess.tail(vireo.stdout()))
                    .contains("vireo-acpid: power button pressed", "vireo-exec-status: 143", "reboot: Power down");
            assertThat(status).isEqualTo(143);
        }
    }

    @Test
    void rebootBootsTheGuestAgain() throws Exception {
        // No state survives a reboot, so the command asks stdin: nothing typed → reboot; the
        // test types once the first boot is seen, so a later boot powers off.
        String command = "if read -t 3 answer; then echo SECOND-BOOT; else echo FIRST-BOOT; reboot -f; fi";
        try (VireoProcess vireo = run(1, command)) {
            assertThat(vireo.awaitStdout(out -> out.contains("FIRST-BOOT"), BOOT_TIMEOUT)).as(VireoProcess.tail(vireo.stdout())).isTrue();
            while (vireo.isAlive() && !vireo.stdout().contains("SECOND-BOOT")) {
                vireo.type("again\n");
                Thread.sleep(1000);
            }
            int status = vireo.waitFor(BOOT_TIMEOUT);
            assertThat(vireo.stdout().split("Linux version", -1).length - 1).isGreaterThanOrEqualTo(2);
            assertThat(status).as(vireo.stderr()).isZero();
        }
    }
}
