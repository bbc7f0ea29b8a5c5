package dev.vireo.machine.virtio;

import dev.vireo.machine.memory.GuestMemory;
import dev.vireo.machine.virtio.blk.BlockConfig;
import dev.vireo.machine.virtio.blk.BlockDevice;
import dev.vireo.machine.virtio.mmio.VirtioMmioTransport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hostile guest against virtio-blk (DESIGN.md §10), in seeded loops (a failure names its
 * seed): random descriptor tables (loops, huge lengths, addresses outside RAM, indirect
 * tables, direction flags in any order), garbage avail rings and indexes, and random register
 * writes. Whatever the guest does, the host never throws, the device either completes every
 * chain it was given (in order) or enters DEVICE_NEEDS_RESET, a reset brings it back, and a
 * second device in the same VM keeps working.
 */
class HostileGuestTest {
    private static final long RAM = 0x8000_0000L, RAM_SIZE = 4 << 20, RAM_END = RAM + RAM_SIZE;
    private static final long VICTIM_AREA = RAM, HEALTHY_AREA = RAM + 0x10000, INDIRECT_TABLE = RAM + 0x40000;
    private static final long DATA = RAM + 0x80000;
    private static final int SIZE = 16;

    private static GuestMemory memory;
    private static VirtioMmioTransport victim, healthy;
    private static SectorDriver healthyDriver;

    @BeforeAll
    static void start() {
        memory = GuestMemory.allocate(RAM, RAM_SIZE);
        victim = new VirtioMmioTransport("victim", memory,
                new BlockDevice(BlockConfig.of("victim", false), new MemoryDiskImage(1 << 20, false)), new RecordingLine());
        MemoryDiskImage healthyDisk = new MemoryDiskImage(1 << 20, false);
        healthy = new VirtioMmioTransport("healthy", memory, new BlockDevice(BlockConfig.of("healthy", false), healthyDisk), new RecordingLine());
        healthyDriver = new SectorDriver(new FakeDriver(healthy, memory, HEALTHY_AREA, INDIRECT_TABLE - HEALTHY_AREA), healthyDisk);
    }

    @AfterAll
    static void stop() {
        victim.close();
        healthy.close();
        memory.close();
    }

    private static void forEachSeed(int count, java.util.function.LongConsumer body) {
        for (long seed = 0; seed < count; seed++) {
            try {
                body.accept(seed);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + seed + ": " + e, e);
            }
        }
    }

    @Test
    void malformedChainsNeverHurtTheHost() {
        forEachSeed(300, HostileGuestTest::malformedChains);
    }

    private static void malformedChains(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        RandomDescriptors generator = new RandomDescriptors(random, DATA, RAM_END, RAM, RAM_END, SIZE, INDIRECT_TABLE, DATA);
        boolean indirect = random.nextBoolean(), eventIdx = random.nextBoolean();
        FakeDriver driver = new FakeDriver(victim, memory, VICTIM_AREA, INDIRECT_TABLE - VICTIM_AREA);
        long features = VirtioFeatures.bit(VirtioFeatures.VERSION_1)
                | (indirect ? VirtioFeatures.bit(VirtioFeatures.INDIRECT_DESC) : 0)
                | (eventIdx ? VirtioFeatures.bit(VirtioFeatures.EVENT_IDX) : 0);
        assertThat(driver.negotiate(features)).isTrue();
        FakeDriver.Queue queue = driver.setupQueue(0, SIZE, eventIdx);
        driver.driverOk();
        assertThat(victim.needsReset()).isFalse();

        // A plausible request header at DATA, so some chains are well-formed requests.
        int requestType = random.nextInt(16);
        memory.writeInt(DATA, requestType);
        memory.writeLong(DATA + 8, requestType % 4);
        for (int i = 0; i < SIZE; i++) generator.next().writeTo(memory, queue.desc, i);
        for (int i = 0; i < 8; i++) generator.next().writeTo(memory, INDIRECT_TABLE, i);
        int[] heads = new int[SIZE];
        for (int i = 0; i < SIZE; i++) {
            heads[i] = random.nextInt(SIZE + 4);
            memory.writeShort(queue.avail + 4 + 2L * i, (short) heads[i]);
        }
        int availIndex = generator.availIndex();
        queue.setAvailIdx(availIndex);
        queue.kick();

        // The device must settle: every chain answered, or NEEDS_RESET.
        FakeDriver.await(() -> victim.needsReset() || queue.usedIdx() == availIndex, Duration.ofSeconds(10));
        if (!victim.needsReset()) {
            assertThat(availIndex).isLessThanOrEqualTo(SIZE);
            for (int i = 0; i < queue.usedIdx(); i++) {
                // Completed in order, each under the head the driver posted.
                assertThat(memory.readInt(queue.used + 4 + 8L * i)).isEqualTo(heads[i]);
            }
        }
        assertThat(((BlockDevice) victim.device()).ioThread().isAlive()).isTrue();

        // A second device in the same VM never noticed.
        healthyDriver.roundTrip(seed);

        // A reset brings the victim back to service.
        SectorDriver recovered = new SectorDriver(new FakeDriver(victim, memory, VICTIM_AREA, INDIRECT_TABLE - VICTIM_AREA), null);
        assertThat(victim.needsReset()).isFalse();
        recovered.readOk();
    }

    @Test
    void randomRegisterWritesNeverThrow() {
        forEachSeed(200, seed -> {
            SplittableRandom random = new SplittableRandom(seed);
            int size = 1 << random.nextInt(4);
            int writes = random.nextInt(40);
            for (int i = 0; i < writes; i++) {
                int offset = random.nextInt(0x200);
                victim.write(offset, size, random.nextLong());
                victim.read(offset, size);
                if (offset == 0x044) victim.write(0x050, 4, 0); // kick whatever got enabled
            }
            healthyDriver.roundTrip(seed);
            new SectorDriver(new FakeDriver(victim, memory, VICTIM_AREA, INDIRECT_TABLE - VICTIM_AREA), null).readOk();
        });
    }

    /** Minimal block driver for these tests: write then read back a sector. */
    static final class SectorDriver {
        private final FakeDriver driver;
        private final FakeDriver.Queue queue;
        private final MemoryDiskImage disk;
        private final long header, data, status;

        SectorDriver(FakeDriver driver, MemoryDiskImage disk) {
            this.driver = driver;
            this.disk = disk;
            driver.negotiateAll();
            queue = driver.setupQueue(0, SIZE, true);
            driver.driverOk();
            header = driver.alloc(16, 16);
            data = driver.alloc(512, 512);
            status = driver.alloc(1, 1);
        }

        private int request(int type, long sector) {
            memory.writeInt(header, type);
            memory.writeLong(header + 8, sector);
            memory.writeByte(status, (byte) 0x7F);
            queue.post(FakeDriver.Buffer.in(header, 16),
                    type == 1 ? FakeDriver.Buffer.in(data, 512) : FakeDriver.Buffer.out(data, 512),
                    FakeDriver.Buffer.out(status, 1));
            queue.kick();
            queue.awaitUsed();
            driver.acknowledgeInterrupts();
            return memory.readByte(status);
        }

        void readOk() { assertThat(request(0, 1)).isZero(); }

        void roundTrip(long seed) {
            byte[] bytes = new byte[512];
            new Random(seed).nextBytes(bytes);
            memory.write(data, bytes);
            long sector = Math.floorMod(seed * 7919, 2048);
            assertThat(request(1, sector)).isZero();
            memory.slice(data, 512).fill((byte) 0);
            assertThat(request(0, sector)).isZero();
            byte[] back = new byte[512];
            memory.read(data, back, 0, 512);
            assertThat(back).isEqualTo(bytes);
            if (disk != null) assertThat(disk.data()[(int) sector * 512]).isEqualTo(bytes[0]);
            assertThat(healthy.needsReset()).isFalse();
        }
    }
}
