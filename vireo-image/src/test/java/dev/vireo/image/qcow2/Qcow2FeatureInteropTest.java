package dev.vireo.image.qcow2;

import dev.vireo.image.CreateOptions;
import dev.vireo.image.DiskImages;
import dev.vireo.image.ImageFormat;
import dev.vireo.image.OpenOptions;
import dev.vireo.image.Preallocation;
import dev.vireo.image.QemuTool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Compressed writes, backing-file copy-on-write, growth and preallocation, checked by qemu-img. */
@Tag("interop")
class Qcow2FeatureInteropTest {
    @TempDir Path dir;

    @BeforeAll
    static void qemu() { QemuTool.assumeAvailable(); }

    private static Qcow2Image open(Path p) throws Exception {
        return Qcow2Image.open(p, OpenOptions.of(ImageFormat.QCOW2, false));
    }

    @ParameterizedTest(name = "cluster {0}, extended_l2 {1}")
    @CsvSource({"65536,false", "4096,false", "2097152,false", "65536,true", "512,false"})
    void compressedClustersVireoWritesAreReadByQemu(int cluster, boolean extL2) throws Exception {
        Path image = dir.resolve("c.qcow2");
        int size = Math.max(4 << 20, 3 * cluster);
        DiskImages.create(image, CreateOptions.qcow2(size).withClusterSize(cluster).withExtendedL2(extL2));
        byte[] data = Qcow2ReadInteropTest.compressibleData(size);
        byte[] random = new byte[cluster];
        new Random(5).nextBytes(random);
        System.arraycopy(random, 0, data, cluster, cluster); // incompressible: stored plainly
        try (Qcow2Image img = Qcow2Image.open(image, OpenOptions.of(ImageFormat.QCOW2, false).withUnsafeCache())) {
            for (int p = 0; p < size; p += cluster) img.writeCompressed(p, Arrays.copyOfRange(data, p, p + cluster));
            img.write(5, new byte[] {9, 9, 9}, 0, 3); // rewrite inside a compressed cluster: copy on write
            data[5] = data[6] = data[7] = 9;
            assertThat(QemuTool.readAll(img)).isEqualTo(data);
        }
        Files.write(dir.resolve("c.raw"), data);
        QemuTool.ok("qemu-img", "check", image.toString());
        QemuTool.ok("qemu-img", "compare", "-F", "raw", image.toString(), dir.resolve("c.raw").toString());
        assertThat(QemuTool.ok("qemu-img", "check", "--output", "json", image.toString())).contains("\"compressed-clusters\"");
    }

    @ParameterizedTest(name = "compat {0}, extended_l2 {1}")
    @CsvSource({"3,false", "2,false", "3,true"})
    void writesToAnOverlayCopyPartialClustersFromTheBackingFile(int version, boolean extL2) throws Exception {
        Path base = dir.resolve("base.qcow2"), top = dir.resolve("sub/top.qcow2");
        Files.createDirectories(top.getParent());
        QemuTool.ok("qemu-img", "create", "-q", "-f", "qcow2", base.toString(), "4M");
        QemuTool.io(base, "write -P 0x3c 0 4M");
        byte[] expected = QemuTool.asRaw(base, dir.resolve("base.raw"));
        DiskImages.create(top, CreateOptions.qcow2(0).withVersion(version).withExtendedL2(extL2).withClusterSize(65536)
                .withBacking("../base.qcow2", ImageFormat.QCOW2));
        Random r = new Random(version);
        try (Qcow2Image img = open(top)) {
            assertThat(img.size()).isEqualTo(4 << 20);
            for (int i = 0; i < 60; i++) {
                int len = 1 + r.nextInt(20000);
                int pos = r.nextInt(expected.length - len);
                if (i % 5 == 4) {
                    img.discard(pos, len);
                    Arrays.fill(expected, pos, pos + len, (byte) 0);
                } else {
                    byte[] d = new byte[len];
                    r.nextBytes(d);
                    img.write(pos, d, 0, len);
                    System.arraycopy(d, 0, expected, pos, len);
                }
            }
            assertThat(QemuTool.readAll(img)).isEqualTo(expected);
        }
        Files.write(dir.resolve("expected.raw"), expected);
        QemuTool.ok("qemu-img", "check", top.toString());
        QemuTool.ok("qemu-img", "compare", "-F", "raw", top.toString(), dir.resolve("expected.raw").toString());
        assertThat(QemuTool.asRaw(base, dir.resolve("base2.raw"))).as("the template stays unchanged")
                .isEqualTo(Files.readAllBytes(dir.resolve("base.raw")));
    }

    @Test
    void growingBeyondTheL1TableMovesItAndQemuAgrees() throws Exception {
        Path image = dir.resolve("g.qcow2");
        DiskImages.create(image, CreateOptions.qcow2(1 << 20).withClusterSize(512));
        try (Qcow2Image img = open(image)) {
            img.write(1000, new byte[] {1, 2, 3}, 0, 3);
            img.resize(64L << 20);
            img.write((64L << 20) - 3, new byte[] {4, 5, 6}, 0, 3);
        }
        QemuTool.ok("qemu-img", "check", image.toString());
        assertThat(QemuTool.ok("qemu-img", "info", image.toString())).contains("67108864 bytes");
        assertThat(QemuTool.io(image, "read -P 6 67108863 1", "read -P 2 1001 1")).doesNotContain("Pattern verification failed");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"METADATA", "FALLOC", "FULL"})
    void preallocatedImagesPassQemuCheckAndReadZero(Preallocation mode) throws Exception {
        Path image = dir.resolve("p.qcow2");
        DiskImages.create(image, CreateOptions.qcow2(6 << 20).withClusterSize(65536).withPreallocation(mode));
        QemuTool.ok("qemu-img", "check", image.toString());
        String map = QemuTool.ok("qemu-img", "map", "--output", "json", image.toString());
        assertThat(map).contains("\"data\": true").doesNotContain("\"data\": false");
        assertThat(QemuTool.ok("qemu-img", "info", image.toString())).contains("6 MiB");
        assertThat(QemuTool.asRaw(image, dir.resolve("p.raw"))).containsOnly(0);
    }
}
