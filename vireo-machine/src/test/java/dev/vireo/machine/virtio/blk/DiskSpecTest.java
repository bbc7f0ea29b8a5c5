package dev.vireo.machine.virtio.blk;

import dev.vireo.image.ImageFormat;
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
    void cacheNoneOpensWithDirectIoAndWritebackWithout() {
        assertThat(DiskSpec.parse("d.img,cache=none").openOptions().directIo()).isTrue();
        assertThat(DiskSpec.parse("d.img,cache=writeback").openOptions().directIo()).isFalse();
        assertThat(DiskSpec.parse("d.img").openOptions().directIo()).isFalse();
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

    @Test
    void toStringParsesBack() {
        // Seeded loop: paths of letters, commas, dots, slashes and dashes, every option combination.
        java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        String alphabet = "abcXYZ,./-";
        ImageFormat[] formats = ImageFormat.values();
        for (int i = 0; i < 500; i++) {
            StringBuilder path = new StringBuilder();
            int length = 1 + random.nextInt(20);
            for (int k = 0; k < length; k++) path.append(alphabet.charAt(random.nextInt(alphabet.length())));
            Optional<ImageFormat> format = random.nextBoolean() ? Optional.empty() : Optional.of(formats[random.nextInt(formats.length)]);
            DiskSpec spec = new DiskSpec(Path.of(path.toString()), format, random.nextBoolean(),
                    random.nextBoolean() ? DiskSpec.Cache.WRITEBACK : DiskSpec.Cache.NONE);
            assertThat(DiskSpec.parse(spec.toString())).as("spec %s", spec).isEqualTo(spec);
        }
    }
}
