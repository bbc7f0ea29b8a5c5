package dev.vireo.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            ImageException refused = null;
            while (refused == null && System.nanoTime() < deadline) {
                try {
                    DiskImages.open(p, OpenOptions.of(ImageFormat.QCOW2, false)).close();
                    Thread.sleep(100); // qemu-io not started yet
                } catch (ImageException e) {
                    refused = e;
                }
            }
            assertThat(refused).as("Vireo must refuse an image qemu-io has open for writing").isNotNull();
            assertThat(refused.getMessage()).contains("in use for writing by process " + qemu.pid() + " (qemu-io");
        } finally {
            qemu.destroyForcibly().waitFor();
        }
    }
}
