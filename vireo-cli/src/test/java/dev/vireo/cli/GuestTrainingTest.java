package dev.vireo.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher's training run for guests ({@link GuestTraining}) in a child JVM, as the launcher
 * starts it (without -XX:AOTCacheOutput: the test class path has directories, which an AOT
 * cache does not take; LauncherAotCacheTest covers how the launcher uses the result).
 */
@Tag("guest")
class GuestTrainingTest {
    @TempDir Path emptyCache;

    private static Process start(java.util.Map<String, String> environment) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseParallelGC", "-cp", System.getProperty("java.class.path"),
                GuestTraining.class.getName()).redirectErrorStream(true);
        pb.environment().putAll(environment);
        return pb.start();
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void bootsTheDefaultGuestThroughItsCommandAndExitsZero() throws Exception {
        TestGuest.guest();
        Process p = start(java.util.Map.of());
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(VireoProcess.tail(out)).isZero();
        // The CPU-bound command ran to the end: sha256 of 8 MiB of zeros.
        assertThat(out).contains("2daeb1f36095b44b318410b3f4e8b5d989dcc7bb023d1426c492dab0a3053e74", "vireo-exec-status: 0");
    }

    @Test
    void withoutAPreparedGuestItSaysSoByItsExitStatus() throws Exception {
        Process p = start(java.util.Map.of("XDG_CACHE_HOME", emptyCache.toString()));
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isEqualTo(GuestTraining.NO_GUEST);
        assertThat(List.of(out.strip())).containsExactly("");
    }
}
