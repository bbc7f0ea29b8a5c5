package dev.vireo.machine.virtio.blk;

import dev.vireo.image.ImageFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DiskSpecTest {
    @Test
    void parsesPathAlone() {
        DiskSpec spec = DiskSpec.parse("/var/lib/vireo/web.qcow2");
        assertThat(spec).isEqualTo(new DiskSpec(Path.of("/var/lib/vireo/web.qcow2"), Optional.empty(), false, DiskSpec.Cache.WRITEBACK));
    }

    @Test
    void parsesEveryOption() {
        DiskSpec spec = DiskSpec.parse("disk.img,format=raw,readonly=on,cache=none");
        assertThat(spec.path()).isEqualTo(Path.of("disk.img"));
        assertThat(spec.format()).contains(ImageFormat.RAW);
        assertThat(spec.readOnly()).isTrue();
        assertThat(spec.cache()).isEqualTo(DiskSpec.Cache.NONE);
        assertThat(DiskSpec.parse("a.vdi,readonly=off,format=vdi").readOnly()).isFalse();
    }

    @Test
    void doubledCommaIsPartOfThePath() {
        assertThat(DiskSpec.parse("a,,b.img,format=qcow2").path()).isEqualTo(Path.of("a,b.img"));
    }

    @Test
    void rejectsUnknownKey() {
        assertThatThrownBy(() -> DiskSpec.parse("d.img,size=10G"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown option 'size'").hasMessageContaining("format, readonly, cache");
    }

    @Test
    void rejectsBadValues() {
        assertThatThrownBy(() -> DiskSpec.parse("d.img,format=qed")).hasMessageContaining("format='qed' is not one of raw, qcow2, vmdk, vdi");
        assertThatThrownBy(() -> DiskSpec.parse("d.img,readonly=yes")).hasMessageContaining("readonly='yes' is not one of on, off");
        assertThatThrownBy(() -> DiskSpec.parse("d.img,cache=unsafe")).hasMessageContaining("cache='unsafe'");
        assertThatThrownBy(() -> DiskSpec.parse("d.img,format=RAW")).hasMessageContaining("format='RAW'");
    }

    @Test
    void rejectsMalformedOptions() {
        assertThatThrownBy(() -> DiskSpec.parse("d.img,readonly")).hasMessageContaining("not KEY=VALUE");
        assertThatThrownBy(() -> DiskSpec.parse("d.img,")).hasMessageContaining("not KEY=VALUE");
        assertThatThrownBy(() -> DiskSpec.parse("d.img,=raw")).hasMessageContaining("not KEY=VALUE");
        assertThatThrownBy(() -> DiskSpec.parse(",format=raw")).hasMessageContaining("path");
        assertThatThrownBy(() -> DiskSpec.parse("")).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> DiskSpec.parse("d.img,format=raw,format=qcow2")).hasMessageContaining("given twice");
    }

    @Test
    void opensARawImageByProbing(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("d,1.img");
        java.nio.file.Files.write(file, new byte[4096]);
        DiskSpec spec = DiskSpec.parse(dir.resolve("d,,1.img") + ",readonly=on");
        try (var image = spec.open()) {
            assertThat(image.size()).isEqualTo(4096);
            assertThat(image.readOnly()).isTrue();
        }
        assertThat(spec.openOptions().format()).isNull();
    }

    @Test
    void openingAMissingImageSaysWhatToDo(@org.junit.jupiter.api.io.TempDir Path dir) {
        assertThatThrownBy(() -> DiskSpec.parse(dir.resolve("nope.qcow2") + ",format=qcow2").open())
                .hasMessageContaining("does not exist");
    }

    @Property(tries = 200)
    void toStringParsesBack(@ForAll @StringLength(min = 1, max = 20) @AlphaChars @Chars({',', '.', '/', '-'}) String path,
                            @ForAll Optional<ImageFormat> format, @ForAll boolean readOnly, @ForAll DiskSpec.Cache cache) {
        DiskSpec spec = new DiskSpec(Path.of(path), format, readOnly, cache);
        // Path.of normalizes (e.g. drops trailing '/'), so compare after one round.
        assertThat(DiskSpec.parse(spec.toString())).isEqualTo(spec);
    }
}
