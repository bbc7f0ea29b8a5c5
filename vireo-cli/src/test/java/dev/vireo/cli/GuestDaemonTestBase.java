package dev.vireo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vireo.daemon.api.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.vireo.cli.CliTest.vireo;
import static dev.vireo.cli.DaemonApiTest.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Set-up of the end-to-end tests that boot the default guest under a daemon which starts real
 * {@code vireo vmm} processes: the daemon (aborting when the guest is not prepared), and the
 * CLI calls that watch a VM's state and console.
 */
abstract class GuestDaemonTestBase {
    @TempDir Path dir;
    DaemonFixture fixture;

    @BeforeEach
    void startDaemon() throws Exception {
        TestGuest.guest();
        fixture = new DaemonFixture(dir, 1.0, null, 4_000_000, DaemonCommand.vmmCommand());
    }

    @AfterEach
    void stopDaemon() throws Exception {
        if (fixture != null) fixture.close();
    }

    static JsonNode json(CliTest.Run run) throws Exception { return Json.MAPPER.readTree(ok(run).out()); }

    /** The kernel argument that makes the default guest run {@code command} as its workload. */
    static String exec(String command) { return TestGuest.exec(command); }

    /** {@code vireo vm info VM --output json}. */
    static JsonNode info(String vm) throws Exception { return json(vireo("vm", "info", vm, "--output", "json")); }

    /** Waits (polling {@code vm info}) until the VM is in {@code state} or has crashed, and asserts the former. */
    JsonNode awaitState(String vm, String state, long timeoutNanos) throws Exception {
        long deadline = System.nanoTime() + timeoutNanos;
        JsonNode info = info(vm);
        while (!info.path("state").asText().equals(state) && !info.path("state").asText().equals("crashed")
                && System.nanoTime() < deadline) {
            Thread.sleep(500);
            info = info(vm);
        }
        assertThat(info.path("state").asText()).as("%s; console: %s", info, tail(vm)).isEqualTo(state);
        return info;
    }

    /** The last 3000 characters of the VM's console log. */
    String tail(String vm) throws Exception {
        Path log = fixture.home.consoleLog(vm);
        if (!Files.exists(log)) return "(no console log)";
        String text = Files.readString(log);
        return text.substring(Math.max(0, text.length() - 3000));
    }
}
