package dev.vireo.image.qcow2;

import dev.vireo.image.CreateOptions;
import dev.vireo.image.DiskImages;
import dev.vireo.image.ImageFormat;
import dev.vireo.image.OpenOptions;
import dev.vireo.image.QemuTool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Internal snapshots made, applied and deleted by Vireo agree with qemu-img, and the reverse. */
@Tag("interop")
class Qcow2SnapshotInteropTest {
    @TempDir Path dir;

    @BeforeAll
    static void qemu() { QemuTool.assumeAvailable(); }

    private static Qcow2Image open(Path p) throws Exception {
        return Qcow2Image.open(p, OpenOptions.of(ImageFormat.QCOW2, false));
    }

    private static byte[] fill(int size, int value) {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) value);
        return b;
    }

    @Test
    void snapshotsVireoTakesAreSeenByQemuAndApplyAndDeleteStayClean() throws Exception {
        Path image = dir.resolve("s.qcow2");
        DiskImages.create(image, CreateOptions.qcow2(2 << 20).withClusterSize(4096));
        byte[] first = new byte[2 << 20];
        try (Qcow2Image img = open(image)) {
            img.write(0, fill(1 << 20, 0x5a), 0, 1 << 20);
            System.arraycopy(fill(1 << 20, 0x5a), 0, first, 0, 1 << 20);
            new Qcow2Snapshots(img).create("before");
            img.write(4096 * 3 + 100, fill(9000, 0x77), 0, 9000);
            img.discard(512 * 1024, 64 * 1024);
        }
        QemuTool.ok("qemu-img", "check", image.toString());
        assertThat(QemuTool.ok("qemu-img", "snapshot", "-l", image.toString())).contains("before");
        QemuTool.ok("qemu-img", "convert", "-l", "snapshot.name=before", "-O", "raw", image.toString(), dir.resolve("snap.raw").toString());
        assertThat(Files.readAllBytes(dir.resolve("snap.raw"))).isEqualTo(first);

        try (Qcow2Image img = open(image)) {
            new Qcow2Snapshots(img).apply("before");
            assertThat(QemuTool.readAll(img)).isEqualTo(first);
        }
        QemuTool.ok("qemu-img", "check", image.toString());
        try (Qcow2Image img = open(image)) {
            new Qcow2Snapshots(img).delete("before");
            assertThat(new Qcow2Snapshots(img).list()).isEmpty();
            assertThat(new Qcow2Checker(img).check(Qcow2Checker.Repair.NONE).exitCode()).isZero();
        }
        assertThat(QemuTool.run("qemu-img", "check", image.toString()).exit()).isZero();
        Files.write(dir.resolve("first.raw"), first);
        QemuTool.ok("qemu-img", "compare", "-F", "raw", image.toString(), dir.resolve("first.raw").toString());
    }

    @Test
    void appliesAndDeletesSnapshotsQemuTook() throws Exception {
        Path image = dir.resolve("q.qcow2");
        QemuTool.ok("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "4M");
        QemuTool.io(image, "write -P 0x01 0 3M");
        QemuTool.ok("qemu-img", "snapshot", "-c", "one", image.toString());
        byte[] atOne = QemuTool.asRaw(image, dir.resolve("one.raw"));
        QemuTool.io(image, "write -P 0x02 1M 2M", "write -z 0 64k");
        QemuTool.ok("qemu-img", "snapshot", "-c", "two", image.toString());
        QemuTool.io(image, "write -P 0x03 100k 1k");
        try (Qcow2Image img = open(image)) {
            assertThat(new Qcow2Snapshots(img).list()).extracting(Snapshot::name).containsExactly("one", "two");
            new Qcow2Snapshots(img).apply("one");
            assertThat(QemuTool.readAll(img)).isEqualTo(atOne);
            new Qcow2Snapshots(img).delete("two");
            img.write(0, fill(4096, 9), 0, 4096);
        }
        QemuTool.ok("qemu-img", "check", image.toString());
        try (Qcow2Image img = open(image)) {
            new Qcow2Snapshots(img).delete("one");
        }
        assertThat(QemuTool.ok("qemu-img", "check", image.toString())).contains("No errors");
    }

    @Test
    void checkFindsLeaksAndCorruptionLikeQemuAndRepairsThem() throws Exception {
        Path image = dir.resolve("c.qcow2");
        DiskImages.create(image, CreateOptions.qcow2(1 << 20).withClusterSize(4096));
        long dataHost;
        try (Qcow2Image img = open(image)) {
            img.write(0, fill(8192, 3), 0, 8192);
            long leaked = img.refcounts.allocate(2); // leaked: nothing references them
            img.channel.write(java.nio.ByteBuffer.allocate(8192), leaked); // inside the file, where qemu-img looks
            assertThat(new Qcow2Checker(img).check(Qcow2Checker.Repair.NONE).leaks()).isEqualTo(2);
            dataHost = (long) ClusterCache.LONG.get(img.l2Cache.get(img.l1[0] & Qcow2Image.OFFSET_MASK), 0) & Qcow2Image.OFFSET_MASK;
        }
        assertThat(QemuTool.run("qemu-img", "check", image.toString()).exit()).isEqualTo(3);
        try (Qcow2Image img = open(image)) {
            img.refcounts.add(dataHost / 4096, 1, -1); // now referenced with refcount 0: corruption
            CheckResult r = new Qcow2Checker(img).check(Qcow2Checker.Repair.NONE);
            assertThat(r.corruptions()).isPositive();
            assertThat(r.exitCode()).isEqualTo(2);
        }
        assertThat(QemuTool.run("qemu-img", "check", image.toString()).exit()).isEqualTo(2);
        try (Qcow2Image img = open(image)) {
            CheckResult r = new Qcow2Checker(img).check(Qcow2Checker.Repair.ALL);
            assertThat(r.exitCode()).isZero();
            assertThat(r.leaksFixed()).isEqualTo(2);
        }
        assertThat(QemuTool.run("qemu-img", "check", image.toString()).exit()).isZero();
    }

    @Test
    void checkCountsPersistentBitmapsSoRepairKeepsThem() throws Exception {
        Path image = dir.resolve("b.qcow2");
        QemuTool.ok("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "8M");
        QemuTool.io(image, "write -P 1 0 1M");
        QemuTool.ok("qemu-img", "bitmap", "--add", image.toString(), "b0");
        QemuTool.ok("qemu-img", "bitmap", "--add", "-g", "512k", image.toString(), "b1");
        QemuTool.io(image, "write -P 2 2M 1M"); // sets bits: qemu stores bitmap data clusters on close
        try (Qcow2Image img = Qcow2Image.openForRepair(image)) {
            CheckResult r = new Qcow2Checker(img).check(Qcow2Checker.Repair.NONE);
            assertThat(r.messages()).isEmpty();
        }
        assertThat(QemuTool.ok("qemu-img", "check", image.toString())).contains("No errors");
        assertThat(QemuTool.ok("qemu-img", "info", image.toString())).contains("b0", "b1");
    }

    @Test
    void checkAgreesWithQemuOnQemuWrittenImages() throws Exception {
        Path image = dir.resolve("ok.qcow2");
        QemuTool.ok("qemu-img", "create", "-q", "-f", "qcow2", "-o", "cluster_size=4096", image.toString(), "8M");
        QemuTool.io(image, "write -P 1 0 1M", "discard 100k 300k", "write -z 2M 1M");
        QemuTool.ok("qemu-img", "snapshot", "-c", "s", image.toString());
        QemuTool.io(image, "write -P 2 512k 1M");
        try (Qcow2Image img = Qcow2Image.open(image, OpenOptions.of(ImageFormat.QCOW2, true))) {
            CheckResult r = new Qcow2Checker(img).check(Qcow2Checker.Repair.NONE);
            assertThat(r.messages()).isEmpty();
            assertThat(r.exitCode()).isZero();
        }
    }
}
