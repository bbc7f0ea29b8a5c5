package dev.vireo.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DaemonTest {
    @TempDir Path dir;

    @Test
    void oneDaemonPerHomeAndTheSocketIsOwnerOnly() throws Exception {
        VireoHome home = new VireoHome(dir.resolve("home"));
        try (Daemon daemon = Daemon.start(DaemonConfig.of(home, List.of("true")), "test")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.apiSocket()))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.root()))).isEqualTo("rwx------");
            assertThatThrownBy(() -> Daemon.start(DaemonConfig.of(home, List.of("true")), "test"))
                    .isInstanceOf(IOException.class).hasMessageContaining("another vireod is running");
        }
        Daemon.start(DaemonConfig.of(home, List.of("true")), "test").close();
        assertThat(home.apiSocket()).doesNotExist();
    }

    @Test
    void aHomeTooLongForSocketPathsIsRefusedWithTheFix() {
        VireoHome home = new VireoHome(dir.resolve("x".repeat(90)));
        assertThatThrownBy(() -> Daemon.start(DaemonConfig.of(home, List.of("true")), "test"))
                .hasMessageContaining("too long for Unix socket paths").hasMessageContaining("choose a shorter VIREO_HOME");
    }
}
