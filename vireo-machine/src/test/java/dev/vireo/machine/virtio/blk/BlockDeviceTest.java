package dev.vireo.machine.virtio.blk;

import dev.vireo.machine.memory.GuestMemory;
import dev.vireo.machine.virtio.DeviceStatus;
import dev.vireo.machine.virtio.FakeDriver;
import dev.vireo.machine.virtio.MemoryDiskImage;
import dev.vireo.machine.virtio.RecordingLine;
import dev.vireo.machine.virtio.VirtioFeatures;
import dev.vireo.machine.virtio.mmio.VirtioMmioTransport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static dev.vireo.machine.virtio.blk.BlockRequestHandler.*;
import static org.assertj.core.api.Assertions.assertThat;

/** virtio-blk driven through the MMIO transport exactly as a guest driver would. */
class BlockDeviceTest {
    private static final long RAM = 0x8000_0000L;
    private static final int DISK_SIZE = 4 << 20;
    private static GuestMemory memory;
    private MemoryDiskImage disk;
    private BlockDevice device;
    private VirtioMmioTransport transport;
    private final RecordingLine line = new RecordingLine();
    private FakeDriver driver;

    @BeforeAll
    static void allocate() { memory = GuestMemory.allocate(RAM, 16 << 20); }

    @AfterAll
    static void free() { memory.close(); }

    @AfterEach
    void close() { if (transport != null) transport.close(); }

    private BlockDriver start(boolean readOnly, long features) {
        disk = new MemoryDiskImage(DISK_SIZE, false);
        new Random(1).nextBytes(disk.data());
        device = new BlockDevice(BlockConfig.of("vda", readOnly), disk);
        transport = new VirtioMmioTransport("virtio-blk vda", memory, device, line);
        driver = new FakeDriver(transport, memory);
        return new BlockDriver(driver, features < 0 ? driver.deviceFeatures() : features, 64, 2 << 20);
    }

    private BlockDriver start() { return start(false, -1); }

    private static byte[] random(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    private long config(int offset, int size) { return transport.read(0x100 + offset, size); }

    @Test
    void identifiesAsVirtioBlockOverMmioVersion2() {
        start();
        assertThat(driver.reg(0x000)).isEqualTo(0x74726976);
        assertThat(driver.reg(0x004)).isEqualTo(2);
        assertThat(driver.reg(0x008)).isEqualTo(2);
        assertThat(driver.reg(0x00c)).isEqualTo(VirtioMmioTransport.VENDOR_ID);
        driver.reg(0x030, 0);
        assertThat(driver.reg(0x034)).isEqualTo(256);
        driver.reg(0x030, 1); // §4.2.2: a queue that does not exist reads QueueNumMax 0
        assertThat(driver.reg(0x034)).isZero();
    }

    @Test
    void offersBlockAndCoreFeatures() {
        BlockDriver b = start();
        assertThat(b.features).isEqualTo(VirtioFeatures.CORE
                | 1L << BlockDevice.F_SEG_MAX | 1L << BlockDevice.F_BLK_SIZE | 1L << BlockDevice.F_FLUSH
                | 1L << BlockDevice.F_DISCARD | 1L << BlockDevice.F_WRITE_ZEROES);
    }

    @Test
    void readOnlyDiskOffersRoAndNoDiscard() {
        BlockDriver b = start(true, -1);
        assertThat(VirtioFeatures.has(b.features, BlockDevice.F_RO)).isTrue();
        assertThat(VirtioFeatures.has(b.features, BlockDevice.F_DISCARD)).isFalse();
        assertThat(VirtioFeatures.has(b.features, BlockDevice.F_WRITE_ZEROES)).isFalse();
    }

    @Test
    void configSpaceDescribesTheDisk() {
        start();
        assertThat(config(0, 8)).isEqualTo(DISK_SIZE / 512);
        assertThat(config(0, 4)).isEqualTo(DISK_SIZE / 512);
        assertThat(config(12, 4)).isEqualTo(254);
        assertThat(config(20, 4)).isEqualTo(512);
        assertThat(config(36, 4)).isEqualTo(BlockDevice.MAX_RANGE_SECTORS);
        assertThat(config(40, 4)).isEqualTo(BlockDevice.MAX_RANGE_SEGMENTS);
        assertThat(config(56, 1)).isEqualTo(1);
        assertThat(config(100, 4)).isZero(); // beyond config space
    }

    @Test
    void writeThenReadRoundTrips() {
        BlockDriver b = start();
        byte[] data = random(8192, 7);
        BlockDriver.Result w = b.write(10, data);
        assertThat(w.status()).isEqualTo(S_OK);
        assertThat(w.usedLength()).isEqualTo(1);
        assertThat(Arrays.copyOfRange(disk.data(), 10 * 512, 10 * 512 + 8192)).isEqualTo(data);
        BlockDriver.Result r = b.read(10, 8192);
        assertThat(r.status()).isEqualTo(S_OK);
        assertThat(r.usedLength()).isEqualTo(8193);
        assertThat(r.data()).isEqualTo(data);
    }

    @Test
    void countsRequestsAndBytes() {
        BlockDriver b = start();
        b.write(0, new byte[1024]);
        b.read(0, 2048);
        b.flush();
        b.read(DISK_SIZE / 512, 512);
        b.raw(77, 0);
        assertThat(device.metrics().snapshot()).isEqualTo(new BlockMetrics.Snapshot(2, 1, 1, 0, 2048, 1024, 1, 1));
    }

    @Test
    void transfersLargerThanTheBounceBuffer() {
        BlockDriver b = start();
        byte[] data = random(3 << 19, 9); // 1.5 MiB
        assertThat(b.write(100, data).status()).isEqualTo(S_OK);
        assertThat(b.read(100, data.length).data()).isEqualTo(data);
    }

    @Test
    void readsIntoScatteredSegments() {
        BlockDriver b = start();
        BlockDriver.Result r = b.readScattered(3, 20);
        assertThat(r.status()).isEqualTo(S_OK);
        assertThat(r.data()).isEqualTo(Arrays.copyOfRange(disk.data(), 3 * 512, 23 * 512));
    }

    @Test
    void servesRequestsThroughIndirectTables() {
        BlockDriver b = start();
        b.indirect = true;
        byte[] data = random(4096, 3);
        assertThat(b.write(0, data).status()).isEqualTo(S_OK);
        assertThat(b.read(0, 4096).data()).isEqualTo(data);
    }

    @Test
    void servesRequestsOnTheNamedIoThread() {
        BlockDriver b = start();
        b.read(0, 512);
        assertThat(disk.lastThread).isEqualTo("vireo-blk-vda");
        assertThat(device.ioThread().getName()).isEqualTo("vireo-blk-vda");
    }

    @Test
    void rejectsSectorsBeyondCapacityWithIoError() {
        BlockDriver b = start();
        long capacity = DISK_SIZE / 512;
        assertThat(b.read(capacity, 512).status()).isEqualTo(S_IOERR);
        assertThat(b.read(capacity - 1, 1024).status()).isEqualTo(S_IOERR);
        assertThat(b.read(-1L, 512).status()).isEqualTo(S_IOERR);
        assertThat(b.write(capacity - 1, new byte[1024]).status()).isEqualTo(S_IOERR);
        assertThat(b.read(capacity - 1, 512).status()).isEqualTo(S_OK);
        assertThat(transport.needsReset()).isFalse();
    }

    @Test
    void rejectsUnalignedLengthWithIoError() {
        BlockDriver b = start();
        assertThat(b.read(0, 100).status()).isEqualTo(S_IOERR);
    }

    @Test
    void reportsHostIoErrors() {
        BlockDriver b = start();
        disk.failing = true;
        assertThat(b.read(0, 512).status()).isEqualTo(S_IOERR);
        assertThat(b.flush().status()).isEqualTo(S_IOERR);
        disk.failing = false;
        assertThat(b.read(0, 512).status()).isEqualTo(S_OK);
    }

    @Test
    void flushReachesTheDiskImage() {
        BlockDriver b = start();
        BlockDriver.Result r = b.flush();
        assertThat(r.status()).isEqualTo(S_OK);
        assertThat(disk.flushes.get()).isEqualTo(1);
    }

    @Test
    void getIdReturnsTwentyByteSerial() {
        BlockDriver b = start();
        BlockDriver.Result r = b.getId(20);
        assertThat(r.status()).isEqualTo(S_OK);
        assertThat(r.usedLength()).isEqualTo(21);
        byte[] expected = Arrays.copyOf("vireo-vda".getBytes(StandardCharsets.US_ASCII), 20);
        assertThat(r.data()).isEqualTo(expected);
        BlockDriver.Result shortBuffer = b.getId(4);
        assertThat(shortBuffer.data()).isEqualTo("vire".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void discardZeroesTheRange() {
        BlockDriver b = start();
        BlockDriver.Result r = b.ranges(T_DISCARD, new long[] {2, 3, 0}, new long[] {10, 1, 0});
        assertThat(r.status()).isEqualTo(S_OK);
        assertThat(disk.discards.get()).isEqualTo(2);
        assertThat(b.read(2, 1536).data()).containsOnly(0);
        assertThat(b.read(10, 512).data()).containsOnly(0);
    }

    @Test
    void discardWithUnmapOrUnknownFlagIsUnsupported() {
        BlockDriver b = start();
        assertThat(b.ranges(T_DISCARD, new long[] {2, 3, 1}).status()).isEqualTo(S_UNSUPP);
        assertThat(b.ranges(T_WRITE_ZEROES, new long[] {2, 3, 4}).status()).isEqualTo(S_UNSUPP);
        assertThat(disk.discards.get()).isZero();
    }

    @Test
    void rangeBeyondDiskOrLimitsIsIoErrorAndChangesNothing() {
        BlockDriver b = start();
        byte[] before = disk.data().clone();
        assertThat(b.ranges(T_WRITE_ZEROES, new long[] {0, 1, 0}, new long[] {DISK_SIZE / 512, 1, 0}).status()).isEqualTo(S_IOERR);
        assertThat(b.ranges(T_DISCARD, new long[] {0, BlockDevice.MAX_RANGE_SECTORS + 1L, 0}).status()).isEqualTo(S_IOERR);
        assertThat(disk.data()).isEqualTo(before);
    }

    @Test
    void writeZeroesWithAndWithoutUnmap() {
        BlockDriver b = start();
        assertThat(b.ranges(T_WRITE_ZEROES, new long[] {4, 2, 0}, new long[] {8, 2, RANGE_FLAG_UNMAP}).status()).isEqualTo(S_OK);
        assertThat(b.read(4, 1024).data()).containsOnly(0);
        assertThat(b.read(8, 1024).data()).containsOnly(0);
        assertThat(b.read(6, 512).data()).isNotEqualTo(new byte[512]);
    }

    @Test
    void readOnlyDiskRefusesWritesAndKeepsData() {
        BlockDriver b = start(true, -1);
        byte[] before = disk.data().clone();
        assertThat(b.write(0, new byte[512]).status()).isEqualTo(S_IOERR);
        assertThat(b.ranges(T_DISCARD, new long[] {0, 1, 0}).status()).isEqualTo(S_UNSUPP);
        assertThat(b.ranges(T_WRITE_ZEROES, new long[] {0, 1, 0}).status()).isEqualTo(S_UNSUPP);
        assertThat(disk.data()).isEqualTo(before);
        assertThat(b.read(0, 512).status()).isEqualTo(S_OK);
    }

    @Test
    void unknownRequestTypeIsUnsupported() {
        BlockDriver b = start();
        assertThat(b.raw(99, 0).status()).isEqualTo(S_UNSUPP);
        assertThat(b.raw(5, 0).status()).isEqualTo(S_UNSUPP);
    }

    @Test
    void discardIsUnsupportedWhenNotNegotiated() {
        BlockDriver b = start(false, VirtioFeatures.bit(VirtioFeatures.VERSION_1));
        assertThat(b.ranges(T_DISCARD, new long[] {0, 1, 0}).status()).isEqualTo(S_UNSUPP);
    }

    @Test
    void completionRaisesUsedBufferInterruptUntilAcknowledged() {
        BlockDriver b = start();
        b.queue.post(FakeDriver.Buffer.in(driver.alloc(16, 16), 16), FakeDriver.Buffer.out(driver.alloc(1, 1), 1));
        // type 0 (IN) with no data: a zero-length read is a valid no-op
        b.queue.kick();
        b.queue.awaitUsed();
        FakeDriver.await(line::level, java.time.Duration.ofSeconds(5));
        assertThat(driver.reg(0x060)).isEqualTo(1);
        driver.reg(0x064, 1);
        assertThat(line.level()).isFalse();
        assertThat(driver.reg(0x060)).isZero();
    }

    @Test
    void twoDisksServeIndependently() {
        BlockDriver first = start();
        MemoryDiskImage otherDisk = new MemoryDiskImage(1 << 20, false);
        GuestMemory otherRam = GuestMemory.allocate(RAM, 4 << 20);
        try (VirtioMmioTransport other = new VirtioMmioTransport("virtio-blk vdb", otherRam,
                new BlockDevice(BlockConfig.of("vdb", false), otherDisk), new RecordingLine())) {
            BlockDriver second = new BlockDriver(new FakeDriver(other, otherRam), new FakeDriver(other, otherRam).deviceFeatures(), 64, 1 << 20);
            byte[] a = random(4096, 1), c = random(4096, 2);
            assertThat(first.write(0, a).status()).isEqualTo(S_OK);
            assertThat(second.write(0, c).status()).isEqualTo(S_OK);
            assertThat(first.read(0, 4096).data()).isEqualTo(a);
            assertThat(second.read(0, 4096).data()).isEqualTo(c);
            assertThat(otherDisk.lastThread).isEqualTo("vireo-blk-vdb");
        } finally {
            otherRam.close();
        }
    }

    @Test
    void resetAndRenegotiateRestoresService() {
        BlockDriver b = start();
        assertThat(b.read(0, 512).status()).isEqualTo(S_OK);
        BlockDriver again = new BlockDriver(driver, driver.deviceFeatures(), 32, 4096);
        assertThat(again.read(1, 512).data()).isEqualTo(Arrays.copyOfRange(disk.data(), 512, 1024));
    }

    @Test
    void malformedRequestPutsDeviceInNeedsReset() {
        BlockDriver b = start();
        // A chain with no status byte: the device cannot even report an error.
        b.queue.post(FakeDriver.Buffer.in(driver.alloc(16, 16), 16));
        b.queue.kick();
        FakeDriver.await(transport::needsReset, java.time.Duration.ofSeconds(5));
        assertThat(driver.status() & DeviceStatus.DEVICE_NEEDS_RESET).isNotZero();
        assertThat(driver.reg(0x060) & 2).isEqualTo(2); // configuration-change interrupt
        assertThat(line.level()).isTrue();
        BlockDriver again = new BlockDriver(driver, driver.deviceFeatures(), 64, 4096);
        assertThat(driver.status() & DeviceStatus.DEVICE_NEEDS_RESET).isZero();
        assertThat(again.read(0, 512).status()).isEqualTo(S_OK);
    }

    @Test
    void closingTheTransportStopsTheThreadButLeavesTheDiskToItsOwner() throws Exception {
        start();
        transport.close();
        device.ioThread().join(5000);
        assertThat(device.ioThread().isAlive()).isFalse();
        assertThat(disk.closed).isFalse();
        transport = null;
    }
}
