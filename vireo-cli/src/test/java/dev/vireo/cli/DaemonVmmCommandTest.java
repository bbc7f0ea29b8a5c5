package dev.vireo.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The command vireod starts a VMM with: the guest AOT cache the launcher named, when it exists. */
class DaemonVmmCommandTest {
    @TempDir Path dir;

    @AfterEach
    void clear() {
        System.clearProperty("vireo.aot.guest");
    }

    @Test
    void aVmmStartsFromTheGuestCacheTheLauncherNamed() throws Exception {
        Path cache = Files.writeString(dir.resolve("guest-1.aot"), "cache");
        System.setProperty("vireo.aot.guest", cache.toString());
        List<String> command = DaemonCommand.vmmCommand();
        assertThat(command).containsSubsequence("-Dvireo.aot.guest=" + cache, "-XX:AOTCache=" + cache, "-cp",
                Main.class.getName(), "vmm");
        assertThat(command.getLast()).isEqualTo("vmm");
    }

    @Test
    void withoutACacheOrWhenItIsGoneNoAotFlags() {
        assertThat(DaemonCommand.vmmCommand()).noneMatch(a -> a.contains("AOT") || a.contains("vireo.aot"));
        System.setProperty("vireo.aot.guest", dir.resolve("deleted.aot").toString());
        assertThat(DaemonCommand.vmmCommand()).noneMatch(a -> a.contains("AOT") || a.contains("vireo.aot"));
    }
}
