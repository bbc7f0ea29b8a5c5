package dev.vireo.image.qcow2;

import dev.vireo.image.CreateOptions;
import dev.vireo.image.DiskImages;
import dev.vireo.image.ImageFormat;
import dev.vireo.image.OpenOptions;
import dev.vireo.image.QemuTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The allocator's reserve: a guest streaming into fresh clusters pays few flushes, and what is left of the reserve is given back. */
class Qcow2AllocationTest {
    @TempDir Path dir;

    @Test
    void streamingWritesIntoFreshClustersFlushRarelyAndLeaveNoLeaks() throws Exception {
        Path image = dir.resolve("stream.qcow2");
        DiskImages.create(image, CreateOptions.qcow2(256L << 20));
        byte[] mib = new byte[1 << 20];
        Arrays.fill(mib, (byte) 0x3c);
        CrashingChannel channel = new CrashingChannel(FileChannel.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE), Integer.MAX_VALUE);
        try (Qcow2Image img = Qcow2Image.open(image, OpenOptions.of(ImageFormat.QCOW2, false), 0, channel)) {
            for (int i = 0; i < 128; i++) img.write((long) i << 20, mib, 0, mib.length);
            // A fixed 2 MiB reserve would flush at least 64 times for these 128 MiB.
            assertThat(channel.forces()).isLessThanOrEqualTo(12);
            byte[] back = new byte[mib.length];
            img.read(127L << 20, back, 0, back.length);
            assertThat(back).isEqualTo(mib);
        }
        if (Files.isExecutable(Path.of("/usr/bin/qemu-img"))) {
            String check = QemuTool.ok("qemu-img", "check", image.toString()); // exit 0: no leaks either
            assertThat(check).contains("No errors were found");
        }
    }
}
