package dev.vireo.vmm;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** A VMM in this JVM with a fake machine: the control protocol, the status file, the socket files. */
class VmmControlTest {
    @TempDir Path dir;

    static final class FakeMachine implements GuestMachine {
        final CompletableFuture<Exit> exit = new CompletableFuture<>();
        volatile boolean paused;

        @Override public void start(OutputStream console) {}
        @Override public void pause() { paused = true; }
        @Override public void resume() { paused = false; }
        @Override public boolean requestShutdown() { return false; }
        @Override public void powerOff() { exit.complete(new Exit(true, "powered off")); }
        @Override public void reset() {}
        @Override public void consoleInput(byte[] b, int o, int l) {}
        @Override public Exit awaitExit() throws InterruptedException {
            try {
                return exit.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e);
            }
        }
        @Override public Map<String, Object> stats() { return Map.of("paused", paused); }
    }

    @Test
    void servesControlOperationsAndWritesTheStatusAtExit() throws Exception {
        VmmOptions options = new VmmOptions("web", dir.resolve("web.control"), dir.resolve("web.console"),
                dir.resolve("web.console.log"), dir.resolve("web.status"), List.of());
        FakeMachine machine = new FakeMachine();
        CompletableFuture<Integer> code = CompletableFuture.supplyAsync(() -> Vmm.run(options, machine));
        while (!Files.exists(options.control())) Thread.sleep(10);
        Thread.sleep(50);
        JsonNode stats = ControlClient.request(options.control(), ControlProtocol.Operation.stats);
        assertThat(stats.path("state").asText()).isEqualTo("running");
        assertThat(ControlClient.request(options.control(), ControlProtocol.Operation.resume).path("error").asText())
                .isEqualTo("vm 'web' is running; only a paused vm can be resumed");
        assertThat(ControlClient.request(options.control(), ControlProtocol.Operation.pause).path("state").asText()).isEqualTo("paused");
        assertThat(machine.paused).isTrue();
        assertThat(ControlClient.request(options.control(), ControlProtocol.Operation.stop).path("accepted").asBoolean()).isFalse();
        ControlClient.request(options.control(), ControlProtocol.Operation.poweroff);
        assertThat(code.get()).isZero();
        assertThat(Files.readString(options.status())).contains("\"clean\":true").contains("powered off");
        assertThat(options.control()).doesNotExist();
        assertThat(options.console()).doesNotExist();
    }
}
