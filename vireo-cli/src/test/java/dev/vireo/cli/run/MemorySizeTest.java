package dev.vireo.cli.run;

import dev.vireo.cli.VireoCliException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MemorySizeTest {
    @Test
    void parsesBinarySuffixesAndBareMebibytes() {
        assertThat(MemorySize.parse("512M")).isEqualTo(512L << 20);
        assertThat(MemorySize.parse("512")).isEqualTo(512L << 20);
        assertThat(MemorySize.parse("2G")).isEqualTo(2L << 30);
        assertThat(MemorySize.parse("1536MiB")).isEqualTo(1536L << 20);
        assertThat(MemorySize.parse("64mb")).isEqualTo(64L << 20);
        assertThat(MemorySize.parse("65536K")).isEqualTo(64L << 20);
    }

    @Test
    void rejectsGarbageWithAUsageError() {
        assertThatThrownBy(() -> MemorySize.parse("lots")).isInstanceOf(VireoCliException.class)
                .hasMessageContaining("invalid memory size 'lots'");
        assertThatThrownBy(() -> MemorySize.parse("-5M")).isInstanceOf(VireoCliException.class);
        assertThatThrownBy(() -> MemorySize.parse("0")).isInstanceOf(VireoCliException.class);
    }
}
