package dev.vireo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vireo.daemon.client.DaemonClient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static dev.vireo.cli.CliTest.vireo;
import static dev.vireo.cli.DaemonApiTest.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default guest (OpenSBI, Debian's kernel, busybox) booted by the daemon in a real
 * {@code vireo vmm} process running the {@code virt} machine, driven through the CLI.
 */
@Tag("guest")
class VmGuestTest extends GuestDaemonTestBase {
    static final long BOOT_TIMEOUT_NANOS = 6 * 60 * 1_000_000_000L;

    JsonNode awaitState(String vm, String state) throws Exception { return awaitState(vm, state, BOOT_TIMEOUT_NANOS); }

    @Test
    void aGuestCommandRunsAndPoweroffMakesTheVmStopped() throws Exception {
        String command = exec("echo DAEMON-GUEST-$((6*7))");
        ok(vireo("vm", "create", "once", "--memory", "256M", "--append", command));
        ok(vireo("vm", "start", "once"));
        assertThat(info("once").path("stats").path("machine").path("machine").asText()).isEqualTo("virt");
        JsonNode stopped = awaitState("once", "stopped");
        assertThat(stopped.path("reason").asText()).isEqualTo("guest powered off");
        assertThat(ok(vireo("vm", "log", "once")).out()).contains("Linux version").contains("DAEMON-GUEST-42");
    }

    @Test
    void aShellOnTheConsoleAnswersAndPoweroffStopsTheVm() throws Exception {
        ok(vireo("vm", "create", "shell", "--memory", "256M"));
        ok(vireo("vm", "start", "shell"));
        try (DaemonClient.Stream console = new DaemonClient(fixture.home).open("POST", "/api/vms/shell/console", null,
                Map.of("Connection", "Upgrade", "Upgrade", "vireo-console"))) {
            assertThat(console.status()).isEqualTo(101);
            ByteArrayOutputStream seen = new ByteArrayOutputStream();
            Thread reader = Thread.ofPlatform().daemon().start(() -> copy(console.in(), seen));
            long deadline = System.nanoTime() + BOOT_TIMEOUT_NANOS;
            while (!Files.readString(fixture.home.consoleLog("shell")).contains("vireo:") && System.nanoTime() < deadline) {
                Thread.sleep(1000);
                console.out().write("\n".getBytes(StandardCharsets.US_ASCII));
            }
            console.out().write("echo CONSOLE-$((6*7))\n".getBytes(StandardCharsets.US_ASCII));
            while (!seen.toString(StandardCharsets.UTF_8).contains("CONSOLE-42") && System.nanoTime() < deadline) Thread.sleep(200);
            assertThat(seen.toString(StandardCharsets.UTF_8)).as(tail("shell")).contains("CONSOLE-42");
            console.out().write("poweroff -f\n".getBytes(StandardCharsets.US_ASCII));
            reader.join(60_000);
        }
        assertThat(awaitState("shell", "stopped").path("reason").asText()).isEqualTo("guest powered off");
        assertThat(vireo("vm", "pause", "shell").err()).contains("is stopped");
    }

    /** Waits until the console log contains {@code text}. */
    String awaitLog(String vm, String text) throws Exception {
        long deadline = System.nanoTime() + BOOT_TIMEOUT_NANOS;
        Path log = fixture.home.consoleLog(vm);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(text)) return Files.readString(log);
            assertThat(info(vm).path("state").asText()).as(tail(vm)).isIn("running", "paused");
            Thread.sleep(250);
        }
        throw new AssertionError("no '" + text + "' on the console of vm '" + vm + "': " + tail(vm));
    }

    long instructions(String vm) throws Exception {
        return info(vm).path("stats").path("machine").path("instructions").asLong(-1);
    }

    @Test
    void pauseFreezesTheGuestAndResumeLetsItRunOnWithoutATimeJump() throws Exception {
        String command = exec("i=0; while [ $i -lt 100000 ]; do i=$((i+1)); echo TICK-$i; sleep 0.2; done");
        ok(vireo("vm", "create", "ticker", "--memory", "256M", "--append", command));
        ok(vireo("vm", "start", "ticker"));
        awaitLog("ticker", "TICK-5\r\n");

        assertThat(ok(vireo("vm", "pause", "ticker")).out()).contains("vm 'ticker' is paused");
        assertThat(ok(vireo("vm", "info", "ticker")).out()).containsPattern("state +paused");
        Thread.sleep(500); // console bytes already in flight reach the log
        Path log = fixture.home.consoleLog("ticker");
        long logSize = Files.size(log), retired = instructions("ticker");
        long guestTime = info("ticker").path("stats").path("machine").path("guestTimeMillis").asLong();
        assertThat(retired).isPositive();
        Thread.sleep(3_000);
        assertThat(Files.size(log)).as("the console stays quiet while paused").isEqualTo(logSize);
        assertThat(instructions("ticker")).as("no instruction retires while paused").isEqualTo(retired);
        assertThat(info("ticker").path("stats").path("machine").path("guestTimeMillis").asLong()).isEqualTo(guestTime);
        String before = Files.readString(log);
        int lastTick = Integer.parseInt(before.substring(before.lastIndexOf("TICK-") + 5).strip().split("\\s")[0]);

        assertThat(ok(vireo("vm", "resume", "ticker")).out()).contains("vm 'ticker' is running");
        String after = awaitLog("ticker", "TICK-" + (lastTick + 5) + "\r\n");
        assertThat(instructions("ticker")).isGreaterThan(retired);
        assertThat(after).doesNotContain("rcu_sched self-detected stall", "rcu: INFO", "watchdog: BUG: soft lockup",
                "clocksource: timekeeping watchdog");

        // vireo.exec mode hears the power button too: the command ends and the guest powers off.
        assertThat(ok(vireo("vm", "stop", "ticker", "--timeout", "120")).out())
                .contains("vm 'ticker' is stopped (guest shut down after the power button)");
        assertThat(Files.readString(log)).contains("vireo-acpid: power button pressed", "vireo-exec-status: 143",
                "reboot: Power down");
    }

    @Test
    void stopPressesThePowerButtonAndTheGuestShutsItselfDown() throws Exception {
        ok(vireo("vm", "create", "polite", "--memory", "256M"));
        ok(vireo("vm", "start", "polite"));
        awaitLog("polite", "Vireo default guest");
        long started = System.nanoTime();
        CliTest.Run stop = ok(vireo("vm", "stop", "polite", "--timeout", "120"));
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertThat(stop.out()).contains("vm 'polite' is stopped (guest shut down after the power button)");
        // The guest's own poweroff path: acpid's action, busybox init's shutdown, the kernel's power down.
        String log = Files.readString(fixture.home.consoleLog("polite"));
        assertThat(log).contains("vireo-acpid: power button pressed", "The system is going down NOW!", "reboot: Power down");
        assertThat(info("polite").path("reason").asText()).isEqualTo("guest shut down after the power button");
        System.out.printf("vm stop -> guest powered itself off in %d ms%n", millis);
    }

    @Test
    void killingTheVmmOfABootingGuestMarksItCrashed() throws Exception {
        ok(vireo("vm", "create", "victim", "--memory", "256M"));
        ok(vireo("vm", "start", "victim"));
        long pid = info("victim").path("pid").asLong();
        assertThat(new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor()).isZero();
        assertThat(awaitState("victim", "crashed").path("reason").asText()).contains("killed by signal 9");
    }

    @Test
    void aLinkedCloneFromATemplateBootsWritesItsDiskAndASnapshotRevertsIt() throws Exception {
        ok(vireo("disk", "create", "golden", "4M", "--format", "qcow2"));
        try (var image = dev.vireo.image.DiskImages.open(fixture.home.disks().resolve("golden"), dev.vireo.image.OpenOptions.probe(false))) {
            byte[] sector = java.util.Arrays.copyOf("TEMPLATE-DATA\n".getBytes(StandardCharsets.US_ASCII), 512);
            image.write(0, sector, 0, 512);
            image.flush();
        }
        String command = exec("echo READ-$(head -c 13 /dev/vda); echo CLONE-WROTE > /dev/vda; sync");
        ok(vireo("vm", "create", "golden", "--memory", "256M", "--disk", "golden", "--append", command));
        ok(vireo("template", "create", "golden", "--name", "base"));
        Path base = fixture.home.disks().resolve("golden");
        byte[] before = Files.readAllBytes(base);
        ok(vireo("vm", "create", "clone", "--from-template", "base"));
        ok(vireo("snapshot", "create", "clone", "pristine"));
        ok(vireo("vm", "start", "clone"));
        assertThat(awaitState("clone", "stopped").path("reason").asText()).isEqualTo("guest powered off");
        assertThat(ok(vireo("vm", "log", "clone")).out()).contains("READ-TEMPLATE-DATA").contains("vireo-exec-status: 0");
        assertThat(firstSector("clone-disk0")).startsWith("CLONE-WROTE");
        assertThat(Files.readAllBytes(base)).isEqualTo(before);
        ok(vireo("snapshot", "revert", "clone", "pristine"));
        assertThat(firstSector("clone-disk0")).startsWith("TEMPLATE-DATA");
    }

    String firstSector(String disk) throws Exception {
        try (var image = dev.vireo.image.DiskImages.open(fixture.home.disks().resolve(disk), dev.vireo.image.OpenOptions.probe(true))) {
            byte[] sector = new byte[512];
            image.read(0, sector, 0, 512);
            return new String(sector, StandardCharsets.US_ASCII);
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        byte[] buffer = new byte[4096];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                synchronized (out) {
                    out.write(buffer, 0, n);
                }
            }
        } catch (java.io.IOException ignored) {
            // the console closed
        }
    }
}
