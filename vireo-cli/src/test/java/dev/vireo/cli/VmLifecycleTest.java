package dev.vireo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vireo.daemon.client.DaemonClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.vireo.cli.CliTest.vireo;
import static dev.vireo.cli.DaemonApiTest.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The VM lifecycle through the CLI, with real VMM processes ({@code vireo vmm}) supervised by
 * the daemon; the machine inside them is the scripted test guest ({@code ScriptedMachine}).
 */
class VmLifecycleTest extends DaemonTestBase {
    JsonNode info(String vm) throws Exception { return new DaemonClient(fixture.home).call("GET", "/api/vms/" + vm, null).json(); }

    JsonNode awaitState(String vm, String state) throws Exception {
        long deadline = System.nanoTime() + 15_000_000_000L;
        JsonNode info = info(vm);
        while (!info.path("state").asText().equals(state) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            info = info(vm);
        }
        assertThat(info.path("state").asText()).as("state of %s: %s", vm, info).isEqualTo(state);
        return info;
    }

    void create(String vm, String... extra) {
        String[] args = new String[] {"vm", "create", vm, "--memory", "64M", "--kernel", kernel.toString()};
        String[] all = java.util.Arrays.copyOf(args, args.length + extra.length);
        System.arraycopy(extra, 0, all, args.length, extra.length);
        ok(vireo(all));
    }

    @Test
    void startConsolePauseResumeStop() throws Exception {
        create("web");
        assertThat(ok(vireo("vm", "start", "web")).out()).contains("vm 'web' is running");
        JsonNode running = info("web");
        long pid = running.path("pid").asLong();
        assertThat(ProcessHandle.of(pid)).isPresent();
        assertThat(running.path("stats").path("state").asText()).isEqualTo("running");

        InputStream oldIn = System.in;
        System.setIn(new TypedInput("hello\n", 1500));
        CliTest.Run console;
        try {
            console = ok(vireo("vm", "console", "web"));
        } finally {
            System.setIn(oldIn);
        }
        assertThat(console.out()).contains("you said: hello");
        assertThat(console.err()).contains("Ctrl-] detaches").contains("detached");
        assertThat(ok(vireo("vm", "log", "web")).out()).contains("scripted guest booted").contains("you said: hello");

        assertThat(vireo("vm", "resume", "web").err()).contains("vm 'web' is running; only a paused vm can be resumed");
        assertThat(ok(vireo("vm", "pause", "web")).out()).contains("vm 'web' is paused").doesNotContain("paused (paused)");
        assertThat(info("web").path("stats").path("machine").path("paused").asBoolean()).isTrue();
        assertThat(vireo("vm", "pause", "web").err()).contains("vm 'web' is paused; only a running vm can be paused; resume it first");
        assertThat(ok(vireo("vm", "resume", "web")).out()).contains("is running");
        assertThat(vireo("vm", "start", "web").err()).contains("vm 'web' is already running");
        assertThat(vireo("vm", "delete", "web").err()).contains("vm 'web' is running; stop it first");
        ok(vireo("vm", "reboot", "web"));

        assertThat(ok(vireo("vm", "stop", "web")).out()).contains("vm 'web' is stopped (guest shut down on request)");
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(vireo("vm", "pause", "web").err()).contains("vm 'web' is stopped; only a running vm can be paused; start it first");
        assertThat(vireo("vm", "console", "web").err()).contains("vm 'web' is stopped; start it first");
        ok(vireo("vm", "delete", "web"));
        assertThat(fixture.home.consoleLog("web")).doesNotExist();
    }

    @Test
    void guestPoweroffMakesTheVmStopped() throws Exception {
        create("web");
        ok(vireo("vm", "start", "web"));
        try (DaemonClient.Stream console = new DaemonClient(fixture.home).open("POST", "/api/vms/web/console", null,
                java.util.Map.of("Connection", "Upgrade", "Upgrade", "vireo-console"))) {
            assertThat(console.status()).isEqualTo(101);
            console.out().write("poweroff\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(console.in().readAllBytes(), StandardCharsets.UTF_8)).contains("Power down");
        }
        JsonNode stopped = awaitState("web", "stopped");
        assertThat(stopped.path("reason").asText()).isEqualTo("guest powered off");
        assertThat(stopped.path("pid").isNull()).isTrue();
        assertThat(ok(vireo("vm", "log", "-f", "web")).out()).contains("reboot: Power down");
    }

    @Test
    void killingTheVmmMarksTheVmCrashedAndItCanStartAgain() throws Exception {
        create("web");
        create("other");
        ok(vireo("vm", "start", "web"));
        ok(vireo("vm", "start", "other"));
        long pid = info("web").path("pid").asLong();
        Process kill = new ProcessBuilder("kill", "-9", Long.toString(pid)).start();
        assertThat(kill.waitFor()).isZero();
        JsonNode crashed = awaitState("web", "crashed");
        assertThat(crashed.path("reason").asText()).contains("killed by signal 9");
        assertThat(ok(vireo("vm", "info", "web")).out()).contains("crashed");
        assertThat(info("other").path("state").asText()).isEqualTo("running");
        ok(vireo("vm", "start", "web"));
        assertThat(info("web").path("state").asText()).isEqualTo("running");
        ok(vireo("vm", "poweroff", "web"));
        ok(vireo("vm", "poweroff", "other"));
        assertThat(info("web").path("state").asText()).isEqualTo("stopped");
    }

    @Test
    void aGuestThatIgnoresStopIsPoweredOffAfterTheTimeout() throws Exception {
        create("stubborn", "--append", "ignore-shutdown");
        ok(vireo("vm", "start", "stubborn"));
        long started = System.nanoTime();
        assertThat(ok(vireo("vm", "stop", "stubborn", "--timeout", "1")).out())
                .contains("vm 'stubborn' is stopped (powered off: the guest did not shut down within 1 s)");
        assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(1000);
    }

    @Test
    void aGuestThatCannotBeAskedIsPoweredOffAtOnceAndStopSaysSo() throws Exception {
        create("deaf", "--append", "deaf");
        ok(vireo("vm", "start", "deaf"));
        long started = System.nanoTime();
        assertThat(ok(vireo("vm", "stop", "deaf", "--timeout", "30")).out())
                .contains("vm 'deaf' is stopped (powered off: the guest cannot hear a shutdown request (no power-button driver))");
        assertThat((System.nanoTime() - started) / 1_000_000).as("no wait for a guest that cannot hear").isLessThan(20_000);
    }

    @Test
    void aMachineThatCannotBeBuiltMarksTheVmCrashedWithTheReason() throws Exception {
        create("bad", "--append", "fail-build");
        CliTest.Run start = vireo("vm", "start", "bad");
        assertThat(start.exit()).isEqualTo(1);
        assertThat(start.err()).contains("vm 'bad' failed to start: could not build the machine: the kernel is not a RISC-V Image");
        assertThat(info("bad").path("state").asText()).isEqualTo("crashed");
    }

    @Test
    void aRestartedDaemonReattachesToRunningVms() throws Exception {
        create("web");
        create("gone");
        ok(vireo("vm", "start", "web"));
        ok(vireo("vm", "start", "gone"));
        long pid = info("web").path("pid").asLong();
        long gonePid = info("gone").path("pid").asLong();
        fixture.daemon.close();
        ProcessHandle.of(gonePid).ifPresent(ProcessHandle::destroyForcibly);
        Thread.sleep(300);
        fixture.start();
        JsonNode web = info("web");
        assertThat(web.path("state").asText()).isEqualTo("running");
        assertThat(web.path("pid").asLong()).isEqualTo(pid);
        assertThat(web.path("stats").path("pid").asLong()).isEqualTo(pid);
        JsonNode gone = info("gone");
        assertThat(gone.path("state").asText()).isEqualTo("crashed");
        assertThat(gone.path("reason").asText()).contains("while the daemon was not running");
        ok(vireo("vm", "pause", "web"));
        ok(vireo("vm", "resume", "web"));
        // the reattached VMM is not our child: its end is still seen
        new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
        assertThat(awaitState("web", "crashed").path("reason").asText()).contains("without a status");
    }

    @Test
    void aStartBeyondTheMemoryLimitIsRefusedAndChangesNothing(@TempDir Path other) throws Exception {
        fixture.close();
        fixture = new DaemonFixture(other, 1.5, null, 100 * 1024); // 100 MiB available
        kernel = Files.writeString(other.resolve("Image"), "scripted");
        ok(vireo("vm", "create", "big", "--memory", "256M", "--kernel", kernel.toString()));
        CliTest.Run start = vireo("vm", "start", "big");
        assertThat(start.exit()).isEqualTo(1);
        assertThat(start.err()).contains("not enough host memory to start vm 'big': it needs 256.0 MiB, the host has 100.0 MiB available × overcommit ratio 1.5 = 150.0 MiB");
        var rest = new DaemonClient(fixture.home).call("POST", "/api/vms/big/start", null);
        assertThat(rest.status()).isEqualTo(409);
        assertThat(info("big").path("state").asText()).isEqualTo("stopped");
        ok(vireo("vm", "create", "small", "--memory", "128M", "--kernel", kernel.toString()));
        ok(vireo("vm", "start", "small"));
        ok(vireo("vm", "poweroff", "small"));
    }

    /** Keyboard input: {@code text}, then after {@code delayMillis} Ctrl-]. */
    static final class TypedInput extends InputStream {
        private final byte[] text;
        private final long delayMillis;
        private int step;

        TypedInput(String text, long delayMillis) {
            this.text = text.getBytes(StandardCharsets.US_ASCII);
            this.delayMillis = delayMillis;
        }

        @Override
        public int read() { throw new UnsupportedOperationException(); }

        @Override
        public int read(byte[] b, int off, int len) {
            switch (step++) {
                case 0 -> {
                    System.arraycopy(text, 0, b, off, text.length);
                    return text.length;
                }
                case 1 -> {
                    try {
                        Thread.sleep(delayMillis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    b[off] = 0x1d;
                    return 1;
                }
                default -> {
                    return -1;
                }
            }
        }
    }
}
