package dev.vireo.daemon.vm;

import dev.vireo.daemon.ApiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdmissionTest {
    @TempDir Path dir;

    Path meminfo(long availableKb) throws Exception {
        return Files.writeString(dir.resolve("meminfo"), "MemTotal: 8000000 kB\nMemAvailable:    " + availableKb + " kB\nCached: 1 kB\n");
    }

    @Test
    void admitsWhatFitsAndRefusesWithFreeMemoryAndRatio() throws Exception {
        Admission admission = new Admission(meminfo(1024 * 1024), 1.0); // 1 GiB
        admission.admit("small", 512L << 20);
        admission.admit("exact", 1L << 30);
        assertThatThrownBy(() -> admission.admit("big", 2L << 30)).isInstanceOf(ApiException.class)
                .hasMessage("not enough host memory to start vm 'big': it needs 2.0 GiB, the host has 1.0 GiB available × overcommit ratio 1.0 = 1.0 GiB;"
                        + " lower the vm's memory, stop other vms, or start the daemon with a higher --overcommit");
    }

    @Test
    void overcommitRaisesTheLimit() throws Exception {
        new Admission(meminfo(1024 * 1024), 2.5).admit("big", 2L << 30);
    }

    @Test
    void readsTheRealMeminfo() {
        assertThat(new Admission(Path.of("/proc/meminfo"), 1.0).available()).isPositive();
    }
}
