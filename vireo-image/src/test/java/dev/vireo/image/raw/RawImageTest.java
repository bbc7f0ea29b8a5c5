package dev.vireo.image.raw;

import dev.vireo.image.CreateOptions;
import dev.vireo.image.DiskImage;
import dev.vireo.image.DiskImages;
import dev.vireo.image.ImageException;
import dev.vireo.image.ImageFormat;
import dev.vireo.image.OpenOptions;
import dev.vireo.image.Preallocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RawImageTest {
    @TempDir Path dir;

    private static long allocatedBytes(Path p) throws Exception {
        return FileSpace.allocatedBytes(p);
    }

    @Test
    void directBufferReadsAndWritesMatchTheArrayPaths() throws Exception {
        Path p = dir.resolve("bulk.raw");
        DiskImages.create(p, CreateOptions.raw(1 << 20));
        byte[] data = new byte[300_000];
        new java.util.Random(3).nextBytes(data);
        try (DiskImage img = DiskImages.open(p, OpenOptions.of(ImageFormat.RAW, false))) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(data.length + 5).position(5);
            b.put(data).position(5);
            img.write(4097, b);
            assertThat(b.hasRemaining()).isFalse();
            byte[] back = new byte[data.length];
            img.read(4097, back, 0, back.length);
            assertThat(back).isEqualTo(data);
            java.nio.ByteBuffer r = java.nio.ByteBuffer.allocateDirect(data.length);
            img.read(4097, r);
            assertThat(r.flip()).isEqualTo(java.nio.ByteBuffer.wrap(data));
            assertThatThrownBy(() -> img.read((1 << 20) - 10, java.nio.ByteBuffer.allocateDirect(11))).isInstanceOf(ImageException.class);
        }
    }

    @Test
    void sparseImageTakesNoSpaceAndReadsZero() throws Exception {
        Path p = dir.resolve("thin.raw");
        DiskImages.create(p, CreateOptions.raw(64L << 20));
        assertThat(Files.size(p)).isEqualTo(64L << 20);
        assertThat(allocatedBytes(p)).isLessThan(1 << 20);
        try (DiskImage img = DiskImages.open(p, OpenOptions.probe(true))) {
            byte[] b = new byte[4096];
            img.read(10 << 20, b, 0, b.length);
            assertThat(b).containsOnly(0);
        }
    }

    @Test
    void preallocatedImagesReserveTheirSpace() throws Exception {
        for (Preallocation mode : new Preallocation[] {Preallocation.FALLOC, Preallocation.FULL}) {
            Path p = dir.resolve(mode + ".raw");
            DiskImages.create(p, CreateOptions.raw(8L << 20).withPreallocation(mode));
            assertThat(allocatedBytes(p)).as(mode.name()).isGreaterThanOrEqualTo(8L << 20);
        }
    }

    @Test
    void writesReadBackAndDiscardPunchesHoles() throws Exception {
        Path p = dir.resolve("d.raw");
        DiskImages.create(p, CreateOptions.raw(8L << 20).withPreallocation(Preallocation.FULL));
        byte[] data = new byte[1 << 20];
        Arrays.fill(data, (byte) 0x42);
        try (DiskImage img = DiskImages.open(p, OpenOptions.of(ImageFormat.RAW, false))) {
            img.write(1 << 20, data, 0, data.length);
            img.flush();
            byte[] back = new byte[data.length];
            img.read(1 << 20, back, 0, back.length);
            assertThat(back).isEqualTo(data);
            long before = allocatedBytes(p);
            img.discard(2 << 20, 4 << 20);
            assertThat(allocatedBytes(p)).isLessThan(before);
            img.writeZeroes(1 << 20, 4096, false);
            img.read(1 << 20, back, 0, 8192);
            assertThat(Arrays.copyOf(back, 4096)).containsOnly(0);
            assertThat(back[4096]).isEqualTo((byte) 0x42);
        }
    }

    @Test
    void accessBeyondTheEndAndWritesToReadOnlyImagesSayWhatToDo() throws Exception {
        Path p = dir.resolve("e.raw");
        DiskImages.create(p, CreateOptions.raw(4096));
        try (DiskImage img = DiskImages.open(p, OpenOptions.probe(true))) {
            assertThatThrownBy(() -> img.read(4000, new byte[512], 0, 512)).isInstanceOf(ImageException.class).hasMessageContaining("resize");
            assertThatThrownBy(() -> img.write(0, new byte[512], 0, 512)).isInstanceOf(ImageException.class).hasMessageContaining("read-only");
        }
    }
}
