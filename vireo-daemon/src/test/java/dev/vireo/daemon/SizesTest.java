package dev.vireo.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SizesTest {
    @Test
    void parsesBinaryUnits() {
        assertThat(Sizes.parse("m", "512M")).isEqualTo(512L << 20);
        assertThat(Sizes.parse("m", "2g")).isEqualTo(2L << 30);
        assertThat(Sizes.parse("m", "2GiB")).isEqualTo(2L << 30);
        assertThat(Sizes.parse("m", "1T")).isEqualTo(1L << 40);
        assertThat(Sizes.parse("m", "4096")).isEqualTo(4096);
        assertThat(Sizes.parse("m", "64K")).isEqualTo(64 << 10);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "12X", "-1G", "1.5G", "G", "99999999999999999999", "9999999999T"})
    void rejectsWithTheAcceptedForms(String text) {
        assertThatThrownBy(() -> Sizes.parse("--memory", text)).isInstanceOf(ApiException.class)
                .hasMessageContaining("write it like 512M");
    }

    @Test
    void zeroIsRefused() {
        assertThatThrownBy(() -> Sizes.parse("disk size", "0")).hasMessageContaining("is zero");
    }

    @Test
    void formatsForPeople() {
        assertThat(Sizes.format(512)).isEqualTo("512 B");
        assertThat(Sizes.format(1536L << 20)).isEqualTo("1.5 GiB");
    }
}
