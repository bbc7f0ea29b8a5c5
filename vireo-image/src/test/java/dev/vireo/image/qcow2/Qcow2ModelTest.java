package dev.vireo.image.qcow2;

import dev.vireo.image.CreateOptions;
import dev.vireo.image.DiskImages;
import dev.vireo.image.ImageFormat;
import dev.vireo.image.OpenOptions;
import dev.vireo.image.QemuTool;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without qemu: random writes (from heap arrays and from direct buffers), discards, zeroes,
 * compressed writes, snapshots (taken, applied, deleted), growth and reopening, against a
 * byte-array model of the disk; reads both ways; after every step group our own checker must
 * find the image clean.
 */
class Qcow2ModelTest {
    private static final boolean DEBUG = Boolean.getBoolean("vireo.model.debug");
    @TempDir Path dir;

    @ParameterizedTest(name = "cluster {0}, v{1}, extended_l2 {2}, refcount_bits {3}, backing {4}")
    @CsvSource({"4096,3,false,16,false", "512,2,false,16,true", "65536,3,true,8,true", "16384,3,true,64,false", "1024,3,false,4,true",
            "2097152,3,false,16,true", "512,3,false,1,false", "8192,3,false,2,true", "32768,2,false,16,false"})
    void behavesLikeAByteArray(int cluster, int version, boolean extL2, int refBits, boolean withBacking) throws Exception {
        int size = Math.max(2 << 20, 4 * cluster);
        byte[] model = new byte[size];
        Random r = new Random(cluster ^ refBits);
        Path image = dir.resolve("m.qcow2");
        CreateOptions o = CreateOptions.qcow2(size).withClusterSize(cluster).withVersion(version).withExtendedL2(extL2).withRefcountBits(refBits);
        if (withBacking) {
            Path base = dir.resolve("base.raw");
            r.nextBytes(model);
            java.nio.file.Files.write(base, model);
            o = o.withBacking("base.raw", ImageFormat.RAW);
        }
        DiskImages.create(image, o);
        List<byte[]> snapshots = new ArrayList<>();
        for (int round = 0; round < 6; round++) {
            try (Qcow2Image img = Qcow2Image.open(image, OpenOptions.of(ImageFormat.QCOW2, false).withUnsafeCache())) {
                Qcow2Snapshots snaps = new Qcow2Snapshots(img);
                for (int i = 0; i < 60; i++) {
                    int len = 1 + r.nextInt(3 * cluster + 5000);
                    int pos = r.nextInt(model.length - len);
                    int op = r.nextInt(12);
                    if (DEBUG) System.err.println("op " + op + " pos " + pos + " len " + len);
                    switch (op) {
                        case 0 -> { img.discard(pos, len); Arrays.fill(model, pos, pos + len, (byte) 0); }
                        case 1 -> { img.writeZeroes(pos, len, r.nextBoolean()); Arrays.fill(model, pos, pos + len, (byte) 0); }
                        case 2 -> {
                            int c = pos / cluster * cluster;
                            if (c + cluster <= model.length) {
                                byte[] d = new byte[cluster];
                                for (int k = 0; k < d.length; k++) d[k] = (byte) (k / 97 + round);
                                img.writeCompressed(c, d);
                                System.arraycopy(d, 0, model, c, cluster);
                            }
                        }
                        case 3 -> {
                            if (refBits >= 4 && snapshots.size() < 3) {
                                snaps.create("s" + round + "-" + i);
                                snapshots.add(model.clone());
                            }
                        }
                        default -> {
                            byte[] d = new byte[len];
                            r.nextBytes(d);
                            if (op >= 10) { // bulk path (convert): from a direct buffer, at a non-zero position
                                ByteBuffer b = ByteBuffer.allocateDirect(len + 7).position(7);
                                b.put(d).position(7);
                                img.write(pos, b);
                                assertThat(b.hasRemaining()).isFalse();
                            } else {
                                img.write(pos, d, 0, len);
                            }
                            System.arraycopy(d, 0, model, pos, len);
                        }
                    }
                    if (DEBUG) {
                        int m = Arrays.mismatch(QemuTool.readAll(img), model);
                        if (m >= 0) throw new AssertionError("diverged at " + m + " after op " + op + " pos " + pos + " len " + len);
                    }
                }
                if (!snapshots.isEmpty() && round % 2 == 1) {
                    List<Snapshot> list = snaps.list();
                    int k = r.nextInt(list.size());
                    snaps.apply(list.get(k).name());
                    model = snapshots.get(k).clone();
                    snaps.delete(list.get(k).name());
                    snapshots.remove(k);
                }
                assertThat(Arrays.mismatch(QemuTool.readAll(img), model)).as("first differing byte, round " + round).isEqualTo(-1);
                for (int k = 0; k < 20; k++) {
                    int len = 1 + r.nextInt(Math.min(model.length, 9 * cluster));
                    int pos = r.nextInt(model.length - len + 1);
                    ByteBuffer b = ByteBuffer.allocateDirect(len + 3).position(3);
                    img.read(pos, b);
                    byte[] got = new byte[len];
                    b.get(3, got);
                    assertThat(Arrays.mismatch(got, 0, len, model, pos, pos + len)).as("direct read at " + pos + "+" + len).isEqualTo(-1);
                }
                CheckResult check = new Qcow2Checker(img).check(Qcow2Checker.Repair.NONE);
                assertThat(check.messages()).as("round " + round).isEmpty();
            }
        }
        try (Qcow2Image img = Qcow2Image.open(image, OpenOptions.of(ImageFormat.QCOW2, false))) {
            img.resize(size * 4L);
            img.write(size * 4L - 10, new byte[] {1, 2, 3}, 0, 3);
            assertThat(new Qcow2Checker(img).check(Qcow2Checker.Repair.NONE).messages()).isEmpty();
            byte[] head = new byte[size];
            img.read(0, head, 0, size);
            assertThat(head).isEqualTo(model);
        }
        if (java.nio.file.Files.isExecutable(Path.of("/usr/bin/qemu-img"))) { // the oracle agrees too, when installed
            QemuTool.ok("qemu-img", "check", image.toString());
            byte[] all = QemuTool.asRaw(image, dir.resolve("final.raw"));
            assertThat(Arrays.mismatch(Arrays.copyOf(all, size), model)).isEqualTo(-1);
        }
    }
}
