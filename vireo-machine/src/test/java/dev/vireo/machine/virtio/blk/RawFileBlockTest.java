package dev.vireo.machine.virtio.blk;

import dev.vireo.image.DiskImage;
import dev.vireo.machine.memory.GuestMemory;
import dev.vireo.machine.virtio.FakeDriver;
import dev.vireo.machine.virtio.RecordingLine;
import dev.vireo.machine.virtio.mmio.VirtioMmioTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** virtio-blk over a real raw file opened from a {@code --disk} spec (vireo-image's RawImage). */
class RawFileBlockTest {
    private static final long RAM = 0x8000_0000L;

    @Test
    void guestWritesReachTheFileAfterFlush(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("vda.img");
        Files.write(file, new byte[1 << 20]);
        byte[] data = new byte[8192];
        new Random(5).nextBytes(data);
        try (GuestMemory memory = GuestMemory.allocate(RAM, 4 << 20)) {
            try (DiskImage image = DiskSpec.parse(file + ",format=raw").open();
                 VirtioMmioTransport transport = new VirtioMmioTransport("virtio-blk vda", memory,
                    new BlockDevice(BlockConfig.of("vda", false), image), new RecordingLine())) {
                BlockDriver driver = BlockDriver.start(new FakeDriver(transport, memory));
                assertThat(driver.write(16, data).status()).isZero();
                assertThat(driver.flush().status()).isZero();
                assertThat(Arrays.copyOfRange(Files.readAllBytes(file), 16 * 512, 16 * 512 + 8192)).isEqualTo(data);
                assertThat(driver.ranges(BlockRequestHandler.T_DISCARD, new long[] {16, 8, 0}).status()).isZero();
                assertThat(driver.read(16, 4096).data()).containsOnly(0);
            }
        }
    }

    @Test
    void readOnlySpecGivesReadOnlyDevice(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ro.img");
        byte[] content = new byte[1 << 16];
        new Random(6).nextBytes(content);
        Files.write(file, content);
        try (GuestMemory memory = GuestMemory.allocate(RAM, 4 << 20)) {
            try (DiskImage image = DiskSpec.parse(file + ",readonly=on").open();
                 VirtioMmioTransport transport = new VirtioMmioTransport("virtio-blk vdb", memory,
                         new BlockDevice(BlockConfig.of("vdb", false), image), new RecordingLine())) {
                // The image's read-only flag wins over the device config.
                assertThat(((BlockDevice) transport.device()).readOnly()).isTrue();
                BlockDriver driver = BlockDriver.start(new FakeDriver(transport, memory));
                assertThat(driver.write(0, new byte[512]).status()).isEqualTo(BlockRequestHandler.S_IOERR);
                assertThat(driver.read(0, 512).data()).isEqualTo(Arrays.copyOf(content, 512));
            }
            assertThat(Files.readAllBytes(file)).isEqualTo(content);
        }
    }
}
