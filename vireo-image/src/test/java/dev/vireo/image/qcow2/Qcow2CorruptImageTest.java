package dev.vireo.image.qcow2;

import dev.vireo.image.CreateOptions;
import dev.vireo.image.DiskImage;
import dev.vireo.image.DiskImages;
import dev.vireo.image.ImageException;
import dev.vireo.image.ImageFormat;
import dev.vireo.image.OpenOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Damaged images fail with a clear ImageException: never a crash, never silent garbage. */
class Qcow2CorruptImageTest {
    @TempDir Path dir;

    private Path image() throws Exception {
        Path p = dir.resolve("x.qcow2");
        DiskImages.create(p, CreateOptions.qcow2(1 << 20).withClusterSize(4096));
        try (DiskImage img = DiskImages.open(p, OpenOptions.probe(false))) {
            img.write(0, new byte[8192], 0, 8192);
            img.write(8192, new byte[] {1, 2, 3}, 0, 3);
        }
        return p;
    }

    private static void poke(Path p, long at, byte[] bytes) throws Exception {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes), at);
        }
    }

    private static Qcow2Image openQcow2(Path p) throws Exception {
        return Qcow2Image.open(p, OpenOptions.of(ImageFormat.QCOW2, true));
    }

    @Test
    void truncatedHeaderIsRejected() throws Exception {
        Path p = image();
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) { ch.truncate(50); }
        assertThatThrownBy(() -> openQcow2(p)).isInstanceOf(ImageException.class).hasMessageContaining("shorter than a qcow2 header");
    }

    @Test
    void truncatedFileIsRejectedWithAdvice() throws Exception {
        Path p = image();
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) { ch.truncate(4096); }
        assertThatThrownBy(() -> openQcow2(p)).isInstanceOf(ImageException.class).hasMessageContaining("beyond the end of the file");
    }

    @Test
    void garbledMagicSaysWhichFormatToPass() throws Exception {
        Path p = image();
        poke(p, 0, new byte[] {'X', 'X'});
        assertThatThrownBy(() -> openQcow2(p)).isInstanceOf(ImageException.class).hasMessageContaining("not a qcow2 image");
    }

    @Test
    void impossibleClusterBitsAndVersionAreRejected() throws Exception {
        Path p = image();
        poke(p, 20, new byte[] {0, 0, 0, 40});
        assertThatThrownBy(() -> openQcow2(p)).isInstanceOf(ImageException.class).hasMessageContaining("cluster_bits");
        poke(p, 20, new byte[] {0, 0, 0, 12});
        poke(p, 4, new byte[] {0, 0, 0, 9});
        assertThatThrownBy(() -> openQcow2(p)).isInstanceOf(ImageException.class).hasMessageContaining("version 9");
    }

    @Test
    void l2EntryPointingBeyondEndOfFileFailsTheRead() throws Exception {
        Path p = image();
        long l2;
        try (Qcow2Image img = openQcow2(p)) { l2 = img.l1[0] & Qcow2Image.OFFSET_MASK; }
        poke(p, l2, ByteBuffer.allocate(8).putLong(0, Qcow2Image.COPIED | (1L << 40)).array());
        try (Qcow2Image img = openQcow2(p)) {
            assertThatThrownBy(() -> img.read(0, new byte[512], 0, 512))
                    .isInstanceOf(ImageException.class).hasMessageContaining("beyond the end of the file");
            assertThat(new Qcow2Checker(img).check(Qcow2Checker.Repair.NONE).corruptions()).isPositive();
        }
    }

    @Test
    void l1EntryPointingBeyondEndOfFileFailsTheRead() throws Exception {
        Path p = image();
        long l1;
        try (Qcow2Image img = openQcow2(p)) { l1 = img.header.l1TableOffset; }
        poke(p, l1, ByteBuffer.allocate(8).putLong(0, Qcow2Image.COPIED | (1L << 36)).array());
        try (Qcow2Image img = openQcow2(p)) {
            assertThatThrownBy(() -> img.read(0, new byte[512], 0, 512))
                    .isInstanceOf(ImageException.class).hasMessageContaining("L2 table");
        }
    }

    @Test
    void corruptBitRefusesWritesButAllowsReads() throws Exception {
        Path p = image();
        poke(p, 72, ByteBuffer.allocate(8).putLong(0, Qcow2Header.INCOMPAT_CORRUPT).array());
        assertThatThrownBy(() -> DiskImages.open(p, OpenOptions.probe(false)))
                .isInstanceOf(ImageException.class).hasMessageContaining("check -r all");
        try (DiskImage img = DiskImages.open(p, OpenOptions.probe(true))) {
            byte[] b = new byte[3];
            img.read(8192, b, 0, 3);
            assertThat(b).containsExactly(1, 2, 3);
        }
    }

    @Test
    void unknownIncompatibleFeatureIsNamed() throws Exception {
        Path p = image();
        poke(p, 72, ByteBuffer.allocate(8).putLong(0, 1L << 40).array());
        assertThatThrownBy(() -> openQcow2(p)).isInstanceOf(ImageException.class).hasMessageContaining("unsupported feature");
    }

    @Test
    void writesChecksAndSnapshotsOnGarbledImagesFailOnlyWithImageException() throws Exception {
        Random r = new Random(2);
        for (int round = 0; round < 200; round++) {
            Path p = image();
            byte[] junk = new byte[1 + r.nextInt(16)];
            r.nextBytes(junk);
            poke(p, 4096 + r.nextInt((int) Files.size(p) - 4096), junk); // anywhere past the header
            try (Qcow2Image img = Qcow2Image.openForRepair(p)) {
                new Qcow2Checker(img).check(Qcow2Checker.Repair.NONE);
                byte[] data = new byte[10000];
                img.write(r.nextInt(500000), data, 0, data.length);
                img.discard(0, 65536);
                new Qcow2Snapshots(img).create("s");
                new Qcow2Checker(img).check(Qcow2Checker.Repair.ALL);
            } catch (ImageException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }

    @Test
    void randomGarbageInMetadataNeverEscapesAsAnythingButImageException() throws Exception {
        Random r = new Random(1);
        for (int round = 0; round < 200; round++) {
            Path p = image();
            byte[] junk = new byte[1 + r.nextInt(16)];
            r.nextBytes(junk);
            long size = Files.size(p);
            poke(p, r.nextInt(round % 2 == 0 ? 120 : (int) size), junk);
            try (DiskImage img = DiskImages.open(p, OpenOptions.of(ImageFormat.QCOW2, true))) {
                byte[] all = new byte[(int) Math.min(img.size(), 1 << 20)];
                img.read(0, all, 0, all.length);
            } catch (ImageException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }
}
