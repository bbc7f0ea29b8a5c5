package dev.vireo.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.vireo.cli.CliTest.vireo;
import static dev.vireo.cli.DaemonApiTest.ok;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code vireo daemon --detach}: a background daemon the CLI then finds through VIREO_HOME. */
class DaemonDetachTest {
    @TempDir Path dir;

    @Test
    void detachReturnsOnceTheApiAnswersAndRefusesASecondDaemon() throws Exception {
        System.setProperty("vireo.home", dir.resolve("home").toString());
        long pid = -1;
        try {
            CliTest.Run started = ok(vireo("daemon", "--detach"));
            Matcher m = Pattern.compile("pid (\\d+)").matcher(started.out());
            assertThat(m.find()).as(started.out()).isTrue();
            pid = Long.parseLong(m.group(1));
            assertThat(started.out()).contains("vireod running in the background").contains("vireod.log");
            assertThat(ok(vireo("vm", "list")).out()).contains("NAME");
            CliTest.Run again = vireo("daemon", "--detach");
            assertThat(again.exit()).isEqualTo(1);
            assertThat(again.err()).contains("a daemon is already running");
        } finally {
            if (pid > 0) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy); // SIGTERM: the shutdown hook closes the daemon
                ProcessHandle.of(pid).ifPresent(h -> h.onExit().join());
            }
            System.clearProperty("vireo.home");
        }
        assertThat(vireo("vm", "list").err()).contains("the Vireo daemon is not running");
    }
}
