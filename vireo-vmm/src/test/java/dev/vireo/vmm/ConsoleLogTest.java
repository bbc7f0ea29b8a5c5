package dev.vireo.vmm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ConsoleLogTest {
    @TempDir Path dir;

    @Test
    void rotatesPastTheLimitKeepingTheNewestGenerations() throws Exception {
        Path file = dir.resolve("web.console.log");
        try (ConsoleLog log = new ConsoleLog(file, 10, 2)) {
            for (String chunk : new String[] {"aaaaaaaa", "bbbbbbbb", "cccccccc", "dddddddd"}) {
                byte[] bytes = chunk.getBytes(StandardCharsets.US_ASCII);
                log.write(bytes, 0, bytes.length);
            }
        }
        assertThat(Files.readString(file)).isEqualTo("dddddddd");
        assertThat(Files.readString(dir.resolve("web.console.log.1"))).isEqualTo("cccccccc");
        assertThat(Files.readString(dir.resolve("web.console.log.2"))).isEqualTo("bbbbbbbb");
        assertThat(dir.resolve("web.console.log.3")).doesNotExist();
    }

    @Test
    void appendsToAnExistingLog() throws Exception {
        Path file = Files.writeString(dir.resolve("x.log"), "old\n");
        try (ConsoleLog log = new ConsoleLog(file, 1 << 20, 3)) {
            log.write("new\n".getBytes(StandardCharsets.US_ASCII), 0, 4);
        }
        assertThat(Files.readString(file)).isEqualTo("old\nnew\n");
    }
}
