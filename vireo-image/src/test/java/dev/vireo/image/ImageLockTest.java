package dev.vireo.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemoryLayout.PathElement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Writers lock images (QEMU's OFD lock bytes): a second writer is refused, readers are not; qemu sees Vireo's lock and the reverse. */
class ImageLockTest {
    @TempDir Path dir;

    @Test
    void aSecondWriterIsRefusedWithTheHolderNamedAndReadersStillOpen() throws Exception {
        for (ImageFormat format : new ImageFormat[] {ImageFormat.QCOW2, ImageFormat.RAW}) {
            Path p = dir.resolve("disk." + format.id());
            DiskImages.create(p, format == ImageFormat.QCOW2 ? CreateOptions.qcow2(1 << 20) : CreateOptions.raw(1 << 20));
            try (DiskImage writer = DiskImages.open(p, OpenOptions.of(format, false))) {
                assertThatThrownBy(() -> DiskImages.open(p, OpenOptions.of(format, false)))
                        .isInstanceOf(ImageException.class)
                        .hasMessageContaining("image '" + p + "' is in use for writing by process " + ProcessHandle.current().pid() + " (this process)")
                        .hasMessageContaining("readonly=on");
                try (DiskImage reader = DiskImages.open(p, OpenOptions.of(format, true))) {
                    assertThat(reader.size()).isEqualTo(1 << 20);
                }
                writer.write(0, new byte[512], 0, 512);
            }
            DiskImages.open(p, OpenOptions.of(format, false)).close(); // released on close
        }
    }

    @Test
    void qemuAndVireoRespectEachOthersWriterLocks() throws Exception {
        QemuTool.assumeAvailable();
        Path p = dir.resolve("shared.qcow2");
        DiskImages.create(p, CreateOptions.qcow2(1 << 20));
        try (DiskImage writer = DiskImages.open(p, OpenOptions.of(ImageFormat.QCOW2, false))) {
            QemuTool.Result info = QemuTool.run("qemu-img", "info", p.toString());
            assertThat(info.exit()).isNotZero();
            assertThat(info.out()).contains("Failed to get shared \"write\" lock");
            assertThat(QemuTool.run("qemu-img", "info", "-U", p.toString()).exit()).isZero();
        }
        Process qemu = new ProcessBuilder("qemu-io", "-f", "qcow2", "-c", "sleep 20000", p.toString()).redirectErrorStream(true).start();
        try {
            // Wait for qemu-io's "I hold write" lock byte (100 + bit 1) without taking a lock ourselves:
            // probing with an open for writing could make qemu-io itself find the image locked and exit.
            long inode = ((Number) Files.getAttribute(p, "unix:ino")).longValue();
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (!ofdLockHeldOn(inode, 101) && qemu.isAlive() && System.nanoTime() < deadline) Thread.sleep(50);
            assertThat(qemu.isAlive()).as("qemu-io must still be running; it printed: %s",
                    qemu.isAlive() ? "" : new String(qemu.getInputStream().readAllBytes())).isTrue();
            assertThatThrownBy(() -> DiskImages.open(p, OpenOptions.of(ImageFormat.QCOW2, false)))
                    .as("Vireo must refuse an image qemu-io has open for writing")
                    .isInstanceOf(ImageException.class)
                    .hasMessageContaining("in use for writing by process " + qemu.pid() + " (qemu-io");
        } finally {
            qemu.destroyForcibly().waitFor();
        }
    }

    @Test
    void theFlockOffsetsAreThoseOfItsLayout() {
        assertThat(ImageLock.FLOCK.byteSize()).isEqualTo(32);
        assertThat(ImageLock.FLOCK.byteOffset(PathElement.groupElement("l_type"))).isEqualTo(ImageLock.L_TYPE);
        assertThat(ImageLock.FLOCK.byteOffset(PathElement.groupElement("l_whence"))).isEqualTo(ImageLock.L_WHENCE);
        assertThat(ImageLock.FLOCK.byteOffset(PathElement.groupElement("l_start"))).isEqualTo(ImageLock.L_START);
        assertThat(ImageLock.FLOCK.byteOffset(PathElement.groupElement("l_len"))).isEqualTo(ImageLock.L_LEN);
    }

    @Test
    void theLockHoldsQemusBytesOnItsOwnOpenFileDescription() throws Exception {
        Path p = dir.resolve("bytes.raw");
        DiskImages.create(p, CreateOptions.raw(1 << 20));
        long inode = ((Number) Files.getAttribute(p, "unix:ino")).longValue();
        try (ImageLock lock = ImageLock.forWriting(p)) {
            assertThat(lock).as("OFD locks are available on Linux").isNotNull();
            // held: consistent read (100), write (101), resize (103); not shared: write (201), resize
            // (203). These are the bytes a qemu-io writer holds (/proc/locks), and no others.
            for (long b : new long[] {100, 101, 103, 201, 203}) assertThat(ofdLockHeldOn(inode, b)).as("byte %d", b).isTrue();
            for (long b : new long[] {99, 102, 104, 199, 200, 202, 204}) assertThat(ofdLockHeldOn(inode, b)).as("byte %d", b).isFalse();
        }
        for (long b = 100; b < 204; b++) assertThat(ofdLockHeldOn(inode, b)).as("byte %d after close", b).isFalse();
    }

    /**
     * Whether /proc/locks lists an OFD lock that covers this byte of the inode (lines read
     * {@code 1: OFDLCK ADVISORY READ -1 08:01:1234 100 101}: the kernel merges adjacent ranges).
     */
    private static boolean ofdLockHeldOn(long inode, long offset) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 7 && f[1].equals("OFDLCK") && f[5].endsWith(":" + inode) && Long.parseLong(f[6]) <= offset
                    && (f[7].equals("EOF") || offset <= Long.parseLong(f[7]))) return true;
        }
        return false;
    }
}
