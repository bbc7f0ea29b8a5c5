package dev.vireo.image.qcow2;

import dev.vireo.image.CreateOptions;
import dev.vireo.image.DiskImage;
import dev.vireo.image.DiskImages;
import dev.vireo.image.ImageFormat;
import dev.vireo.image.OpenOptions;
import dev.vireo.image.QemuTool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Images Vireo writes pass qemu-img check and compare equal to the data written. */
@Tag("interop")
class Qcow2WriteInteropTest {
    @TempDir Path dir;

    @BeforeAll
    static void qemu() { QemuTool.assumeAvailable(); }

    @ParameterizedTest(name = "cluster {0}, v{1}, extended_l2 {2}, refcount_bits {3}")
    @CsvSource({"65536,3,false,16", "512,3,false,16", "4096,2,false,16", "2097152,3,false,16", "65536,3,true,16",
            "16384,3,true,64", "4096,3,false,1", "4096,3,false,2", "4096,3,false,4", "4096,3,false,8", "512,3,false,32", "512,3,false,64"})
    void randomWritesDiscardsAndZeroesPassQemuCheckAndCompare(int cluster, int version, boolean extL2, int refBits) throws Exception {
        long size = 8L << 20;
        Path image = dir.resolve("w.qcow2");
        DiskImages.create(image, CreateOptions.qcow2(size).withClusterSize(cluster).withVersion(version)
                .withExtendedL2(extL2).withRefcountBits(refBits));
        byte[] expected = new byte[(int) size];
        Random random = new Random(cluster * 31L + version + refBits);
        OpenOptions options = OpenOptions.of(ImageFormat.QCOW2, false);
        if (cluster != 65536) options = options.withUnsafeCache(); // keep the run short; 64K exercises the fsync ordering
        try (DiskImage img = DiskImages.open(image, options)) {
            for (int i = 0; i < 300; i++) {
                int len = 1 + random.nextInt(3 * 65536);
                long pos = random.nextLong(size - len);
                int kind = random.nextInt(10);
                if (kind < 7) {
                    byte[] data = new byte[len];
                    random.nextBytes(data);
                    img.write(pos, data, 0, len);
                    System.arraycopy(data, 0, expected, (int) pos, len);
                } else {
                    if (kind == 7) img.discard(pos, len);
                    else img.writeZeroes(pos, len, kind == 8);
                    java.util.Arrays.fill(expected, (int) pos, (int) pos + len, (byte) 0);
                }
            }
            assertThat(QemuTool.readAll(img)).isEqualTo(expected);
        }
        Path raw = dir.resolve("expected.raw");
        Files.write(raw, expected);
        QemuTool.ok("qemu-img", "check", image.toString());
        QemuTool.ok("qemu-img", "compare", "-f", "qcow2", "-F", "raw", image.toString(), raw.toString());
    }
}
