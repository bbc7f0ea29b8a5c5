package dev.vireo.cli.img;

import dev.vireo.image.ImageException;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SizesAndJsonTest {
    @Test
    void parsesQemuImgSizeSuffixes() throws Exception {
        assertThat(Sizes.parse("10G")).isEqualTo(10L << 30);
        assertThat(Sizes.parse("512M")).isEqualTo(512L << 20);
        assertThat(Sizes.parse("64k")).isEqualTo(65536);
        assertThat(Sizes.parse("1.5G")).isEqualTo(3L << 29);
        assertThat(Sizes.parse("4096")).isEqualTo(4096);
        assertThat(Sizes.parse("2T")).isEqualTo(2L << 40);
        assertThatThrownBy(() -> Sizes.parse("ten")).isInstanceOf(ImageException.class).hasMessageContaining("10G");
        assertThatThrownBy(() -> Sizes.parse("-1")).isInstanceOf(ImageException.class);
    }

    @Test
    void formatsHumanSizesLikeQemuImg() {
        assertThat(Sizes.human(1L << 30)).isEqualTo("1 GiB");
        assertThat(Sizes.human(200704)).isEqualTo("196 KiB");
        assertThat(Sizes.human(1536L << 10)).isEqualTo("1.5 MiB");
        assertThat(Sizes.human(0)).isEqualTo("0 B");
    }

    @Test
    void writesIndentedJsonWithEscapes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("virtual-size", 1024L);
        m.put("filename", "a \"b\".qcow2");
        m.put("list", List.of(1, true));
        assertThat(Json.write(m)).isEqualTo("{\n    \"virtual-size\": 1024,\n    \"filename\": \"a \\\"b\\\".qcow2\",\n    \"list\": [1,true]\n}");
    }
}
