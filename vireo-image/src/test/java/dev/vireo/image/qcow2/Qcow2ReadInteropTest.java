package dev.vireo.image.qcow2;

import dev.vireo.image.DiskImage;
import dev.vireo.image.DiskImages;
import dev.vireo.image.OpenOptions;
import dev.vireo.image.QemuTool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Images qemu-img/qemu-io write read back byte-exact (against qemu-img convert -O raw). */
@Tag("interop")
class Qcow2ReadInteropTest {
    @TempDir Path dir;

    @BeforeAll
    static void qemu() { QemuTool.assumeAvailable(); }

    private void assertReadsLikeQemu(Path image) throws Exception {
        byte[] expected = QemuTool.asRaw(image, dir.resolve("oracle.raw"));
        try (DiskImage img = DiskImages.open(image, OpenOptions.probe(true))) {
            assertThat(img.size()).isEqualTo(expected.length);
            assertThat(QemuTool.readAll(img)).isEqualTo(expected);
        }
    }

    private static final String[] PATTERN = {
            "write -P 0x11 0 64k", "write -P 0x22 100k 3k", "write -P 0x33 1M 1536k", "write -z 1100k 128k",
            "discard 2M 64k", "write -P 0x44 3M 512", "write -z -u 1280k 64k", "write -P 0x55 4095k 1k"};

    @ParameterizedTest(name = "{0}")
    @CsvSource({"cluster_size=512", "cluster_size=4096", "cluster_size=65536", "cluster_size=2097152",
            "compat=0.10", "compat=1.1", "extended_l2=on", "extended_l2=on,cluster_size=2097152",
            "refcount_bits=1", "refcount_bits=2", "refcount_bits=4", "refcount_bits=8", "refcount_bits=32", "refcount_bits=64",
            "preallocation=metadata", "preallocation=full,cluster_size=4096", "lazy_refcounts=on"})
    void readsQemuWrittenImage(String options) throws Exception {
        Path image = dir.resolve("q.qcow2");
        QemuTool.ok("qemu-img", "create", "-q", "-f", "qcow2", "-o", options.replace(';', ','), image.toString(), "4M");
        QemuTool.io(image, PATTERN);
        assertReadsLikeQemu(image);
    }

    @Test
    void readsThroughBackingChainWithRelativePathsAndZeroClusters() throws Exception {
        Path base = dir.resolve("base.qcow2"), mid = dir.resolve("mid.qcow2"), top = dir.resolve("top.qcow2");
        QemuTool.ok("qemu-img", "create", "-q", "-f", "qcow2", base.toString(), "4M");
        QemuTool.io(base, "write -P 0xa1 0 4M");
        QemuTool.ok("qemu-img", "create", "-q", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", mid.toString());
        QemuTool.io(mid, "write -P 0xb2 64k 100k", "write -z 1M 64k", "discard 2M 128k");
        QemuTool.ok("qemu-img", "create", "-q", "-f", "qcow2", "-o", "extended_l2=on", "-b", "mid.qcow2", "-F", "qcow2", top.toString());
        QemuTool.io(top, "write -P 0xc3 10k 5k", "write -z 3M 4k");
        assertReadsLikeQemu(top);
    }

    @Test
    void readsCompressedClusters() throws Exception {
        Path raw = dir.resolve("src.raw"), image = dir.resolve("c.qcow2");
        java.nio.file.Files.write(raw, compressibleData(3 << 20));
        QemuTool.ok("qemu-img", "convert", "-c", "-f", "raw", "-O", "qcow2", raw.toString(), image.toString());
        assertReadsLikeQemu(image);
        QemuTool.ok("qemu-img", "convert", "-c", "-f", "raw", "-O", "qcow2", "-o", "cluster_size=4096", raw.toString(), image.toString());
        assertReadsLikeQemu(image);
    }

    @Test
    void readsActiveLayerAfterInternalSnapshots() throws Exception {
        Path image = dir.resolve("s.qcow2");
        QemuTool.ok("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "4M");
        QemuTool.io(image, "write -P 0x01 0 2M");
        QemuTool.ok("qemu-img", "snapshot", "-c", "one", image.toString());
        QemuTool.io(image, "write -P 0x02 1M 2M", "discard 0 64k");
        QemuTool.ok("qemu-img", "snapshot", "-c", "two", image.toString());
        QemuTool.io(image, "write -P 0x03 512k 4k");
        assertReadsLikeQemu(image);
    }

    static byte[] compressibleData(int size) {
        byte[] d = new byte[size];
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < size; i++) d[i] = (byte) ((i / 4096) % 3 == 0 ? 0 : "vireo image data ".charAt(i % 17) + (r.nextInt(50) == 0 ? 1 : 0));
        return d;
    }
}
