package dev.vireo.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line with which the daemon starts its VMMs. */
class DaemonCommandTest {
    @TempDir Path dir;

    @Test
    void vmmsStartFromTheDaemonsAotCacheWhileItsFileExists() throws Exception {
        Path cache = Files.writeString(dir.resolve("vireo-1-2-3.aot"), "cache");
        List<String> daemon = List.of("--enable-native-access=ALL-UNNAMED", "-XX:+UseParallelGC", "-XX:AOTCache=" + cache, "-Xlog:aot=off");

        assertThat(DaemonCommand.aotFlags(daemon)).containsExactly("-XX:AOTCache=" + cache, "-Xlog:aot=off", "-Xlog:cds=off");

        Files.delete(cache); // a rebuild removed it: the VMM starts without
        assertThat(DaemonCommand.aotFlags(daemon)).isEmpty();
        assertThat(DaemonCommand.aotFlags(List.of("-XX:+UseParallelGC"))).isEmpty();
    }

    @Test
    void theVmmCommandRunsThisVireosVmmSubcommand() {
        List<String> command = DaemonCommand.vmmCommand();

        assertThat(Path.of(command.getFirst())).isAbsolute();
        assertThat(command).contains("-XX:PerMethodTrapLimit=0", "-cp", Main.class.getName());
        assertThat(command.getLast()).isEqualTo("vmm");
        // The test JVM has no AOT cache, so neither has its VMM command.
        assertThat(command).noneMatch(argument -> argument.startsWith("-XX:AOTCache"));
    }
}
