package dev.vireo.machine.virtio;

import dev.vireo.machine.memory.GuestMemory;
import dev.vireo.machine.virtio.blk.BlockConfig;
import dev.vireo.machine.virtio.blk.BlockDevice;
import dev.vireo.machine.virtio.mmio.VirtioMmioTransport;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hostile guest against virtio-blk (DESIGN.md §10): random descriptor tables (loops, huge
 * lengths, addresses outside RAM, indirect tables, direction flags in any order), garbage
 * avail rings and indexes, and random register writes. Whatever the guest does, the host
 * never throws, the device either completes every chain it was given (in order) or enters
 * DEVICE_NEEDS_RESET, a reset brings it back, and a second device in the same VM keeps working.
 */
class HostileGuestProperties {
    private static final long RAM = 0x8000_0000L, RAM_SIZE = 4 << 20, RAM_END = RAM + RAM_SIZE;
    private static final long VICTIM_AREA = RAM, HEALTHY_AREA = RAM + 0x10000, INDIRECT_TABLE = RAM + 0x40000;
    private static final long DATA = RAM + 0x80000;
    private static final int SIZE = 16;

    private static GuestMemory memory;
    private static VirtioMmioTransport victim, healthy;
    private static BlockDriverLite healthyDriver;

    record Descriptor(long address, int length, int flags, int next) {}

    @BeforeContainer
    static void start() {
        memory = GuestMemory.allocate(RAM, RAM_SIZE);
        victim = new VirtioMmioTransport("victim", memory,
                new BlockDevice(BlockConfig.of("victim", false), new MemoryDiskImage(1 << 20, false)), new RecordingLine());
        MemoryDiskImage healthyDisk = new MemoryDiskImage(1 << 20, false);
        healthy = new VirtioMmioTransport("healthy", memory, new BlockDevice(BlockConfig.of("healthy", false), healthyDisk), new RecordingLine());
        healthyDriver = new BlockDriverLite(new FakeDriver(healthy, memory, HEALTHY_AREA, INDIRECT_TABLE - HEALTHY_AREA), healthyDisk);
    }

    @AfterContainer
    static void stop() {
        victim.close();
        healthy.close();
        memory.close();
    }

    @Provide
    Arbitrary<Descriptor> descriptor() {
        Arbitrary<Long> address = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.longs().between(DATA, RAM_END - 1)),
                net.jqwik.api.Tuple.of(2, Arbitraries.longs()),
                net.jqwik.api.Tuple.of(2, Arbitraries.of(0L, RAM - 1, RAM_END - 8, RAM_END, -1L, -16L, INDIRECT_TABLE, DATA)));
        Arbitrary<Integer> length = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, Arbitraries.of(0, 1, 16, 32, 48, 512, 513, 4096)),
                net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(0, 1 << 16)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers()));
        Arbitrary<Integer> flags = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.integers().between(0, 7)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 0xFFFF)));
        Arbitrary<Integer> next = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.integers().between(0, SIZE - 1)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 0xFFFF)));
        return Combinators.combine(address, length, flags, next).as(Descriptor::new);
    }

    @Provide
    Arbitrary<Integer> availIndex() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(7, Arbitraries.integers().between(0, SIZE)),
                net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(0, 0xFFFF)));
    }

    @Property(tries = 300)
    void malformedChainsNeverHurtTheHost(
            @ForAll @Size(SIZE) List<@net.jqwik.api.From("descriptor") Descriptor> table,
            @ForAll @Size(max = 8) List<@net.jqwik.api.From("descriptor") Descriptor> indirect,
            @ForAll @Size(SIZE) List<@IntRange(max = SIZE + 3) Integer> heads,
            @ForAll("availIndex") int availIndex,
            @ForAll @IntRange(max = 15) int requestType,
            @ForAll boolean negotiateIndirect, @ForAll boolean negotiateEventIdx) {
        FakeDriver driver = new FakeDriver(victim, memory, VICTIM_AREA, INDIRECT_TABLE - VICTIM_AREA);
        long features = VirtioFeatures.bit(VirtioFeatures.VERSION_1)
                | (negotiateIndirect ? VirtioFeatures.bit(VirtioFeatures.INDIRECT_DESC) : 0)
                | (negotiateEventIdx ? VirtioFeatures.bit(VirtioFeatures.EVENT_IDX) : 0);
        assertThat(driver.negotiate(features)).isTrue();
        FakeDriver.Queue queue = driver.setupQueue(0, SIZE, negotiateEventIdx);
        driver.driverOk();
        assertThat(victim.needsReset()).isFalse();

        // A plausible request header at DATA, so some chains are well-formed requests.
        memory.writeInt(DATA, requestType);
        memory.writeLong(DATA + 8, requestType % 4);
        for (int i = 0; i < table.size(); i++) {
            Descriptor d = table.get(i);
            queue.writeDescriptor(i, d.address(), d.length(), d.flags(), d.next());
        }
        for (int i = 0; i < indirect.size(); i++) {
            Descriptor d = indirect.get(i);
            long at = INDIRECT_TABLE + 16L * i;
            memory.writeLong(at, d.address());
            memory.writeInt(at + 8, d.length());
            memory.writeShort(at + 12, (short) d.flags());
            memory.writeShort(at + 14, (short) d.next());
        }
        for (int i = 0; i < SIZE; i++) memory.writeShort(queue.avail + 4 + 2L * i, (short) (int) heads.get(i));
        queue.setAvailIdx(availIndex);
        queue.kick();

        // The device must settle: every chain answered, or NEEDS_RESET.
        FakeDriver.await(() -> victim.needsReset() || queue.usedIdx() == (availIndex & 0xFFFF), Duration.ofSeconds(10));
        if (!victim.needsReset()) {
            assertThat(availIndex).isLessThanOrEqualTo(SIZE);
            for (int i = 0; i < queue.usedIdx(); i++) {
                // Completed in order, each under the head the driver posted.
                assertThat(memory.readInt(queue.used + 4 + 8L * i)).isEqualTo(heads.get(i));
            }
        }
        assertThat(((BlockDevice) victim.device()).ioThread().isAlive()).isTrue();

        // A second device in the same VM never noticed.
        healthyDriver.roundTrip(availIndex);

        // A reset brings the victim back to service.
        BlockDriverLite recovered = new BlockDriverLite(new FakeDriver(victim, memory, VICTIM_AREA, INDIRECT_TABLE - VICTIM_AREA), null);
        assertThat(victim.needsReset()).isFalse();
        recovered.readOk();
    }

    @Property(tries = 200)
    void randomRegisterWritesNeverThrow(@ForAll @Size(max = 40) List<@IntRange(max = 0x1FF) Integer> offsets,
                                        @ForAll @Size(max = 40) List<Long> values,
                                        @ForAll @IntRange(max = 3) int sizeLog) {
        int n = Math.min(offsets.size(), values.size());
        for (int i = 0; i < n; i++) {
            victim.write(offsets.get(i), 1 << sizeLog, values.get(i));
            victim.read(offsets.get(i), 1 << sizeLog);
            if (offsets.get(i) == 0x044) victim.write(0x050, 4, 0); // kick whatever got enabled
        }
        healthyDriver.roundTrip(n);
        BlockDriverLite recovered = new BlockDriverLite(new FakeDriver(victim, memory, VICTIM_AREA, INDIRECT_TABLE - VICTIM_AREA), null);
        recovered.readOk();
    }

    /** Minimal block driver for the properties: write then read back a sector. */
    static final class BlockDriverLite {
        private final FakeDriver driver;
        private final FakeDriver.Queue queue;
        private final MemoryDiskImage disk;
        private final long header, data, status;

        BlockDriverLite(FakeDriver driver, MemoryDiskImage disk) {
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
            queue.post(type == 1 ? FakeDriver.Buffer.in(header, 16) : FakeDriver.Buffer.in(header, 16),
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
            long sector = Math.floorMod(seed, 2048);
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
