package dev.vireo.machine.virtio.blk;

import dev.vireo.machine.memory.GuestMemory;
import dev.vireo.machine.virtio.FakeDriver;
import dev.vireo.machine.virtio.FakeDriver.Buffer;
import dev.vireo.machine.virtio.MemoryDiskImage;
import dev.vireo.machine.virtio.RecordingLine;
import dev.vireo.machine.virtio.VirtioFeatures;
import dev.vireo.machine.virtio.mmio.VirtioMmioTransport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/** Notification suppression both ways (virtio 1.2 §2.7.7, §2.7.10) seen from the driver. */
class NotificationSuppressionTest {
    private static final long RAM = 0x8000_0000L;
    private static GuestMemory memory;
    private final RecordingLine line = new RecordingLine();
    private final MemoryDiskImage disk = new MemoryDiskImage(1 << 20, false);
    private VirtioMmioTransport transport;
    private FakeDriver driver;
    private FakeDriver.Queue queue;
    private long header, data;

    @BeforeAll
    static void allocate() { memory = GuestMemory.allocate(RAM, 4 << 20); }

    @AfterAll
    static void free() { memory.close(); }

    @AfterEach
    void close() {
        CountDownLatch g = disk.gate;
        if (g != null) g.countDown();
        transport.close();
    }

    private void start(boolean eventIdx) {
        transport = new VirtioMmioTransport("blk", memory, new BlockDevice(BlockConfig.of("vdx", false), disk), line);
        driver = new FakeDriver(transport, memory);
        long features = driver.deviceFeatures();
        if (!eventIdx) features &= ~VirtioFeatures.bit(VirtioFeatures.EVENT_IDX);
        assertThat(driver.negotiate(features)).isTrue();
        queue = driver.setupQueue(0, 16, eventIdx);
        driver.driverOk();
        header = driver.alloc(16, 16); // IN, sector 0
        data = driver.alloc(16 * 513, 512);
    }

    /** Posts a one-sector read; statuses live after the 16 data sectors. */
    private void postRead(int n) {
        queue.post(Buffer.in(header, 16), Buffer.out(data + 512L * n, 512), Buffer.out(data + 8192 + n, 1));
    }

    /** One request, then wait until the device has finished draining and re-enabled notifications. */
    private void warmUp() {
        postRead(15);
        queue.kick();
        queue.awaitUsed();
        FakeDriver.await(() -> line.raiseCalls() == 1 && memory.readShort(queue.used) == 0, Duration.ofSeconds(5));
        driver.acknowledgeInterrupts();
    }

    @Test
    void usedEventDelaysTheInterruptUntilItsEntry() throws Exception {
        start(true);
        queue.setUsedEvent(2); // §2.7.10: interrupt once the entry at used index 2 is written
        for (int n = 0; n < 3; n++) {
            postRead(n);
            queue.kick();
            queue.awaitUsed();
            if (n < 2) {
                Thread.sleep(20);
                assertThat(line.raiseCalls()).as("interrupts after request %d", n).isZero();
            }
        }
        FakeDriver.await(() -> line.raiseCalls() == 1, Duration.ofSeconds(5));
        Thread.sleep(20);
        assertThat(line.raiseCalls()).isEqualTo(1);
    }

    @Test
    void withoutEventIdxEveryCompletionInterruptsUnlessDriverOptsOut() throws Exception {
        start(false);
        for (int n = 0; n < 3; n++) {
            postRead(n);
            queue.kick();
            queue.awaitUsed();
        }
        FakeDriver.await(() -> line.raiseCalls() == 3, Duration.ofSeconds(5));
        queue.setAvailFlags(1); // VIRTQ_AVAIL_F_NO_INTERRUPT
        postRead(3);
        queue.kick();
        queue.awaitUsed();
        Thread.sleep(20);
        assertThat(line.raiseCalls()).isEqualTo(3);
    }

    @Test
    void availEventSuppressesKicksWhileTheDeviceIsBusy() {
        start(true);
        warmUp();
        assertThat(memory.readShort(queue.used + 4 + 8L * 16)).isEqualTo((short) 1); // avail_event
        disk.gate = new CountDownLatch(1);
        disk.lastThread = null;
        postRead(1);
        assertThat(queue.kickIfNeeded(1)).isTrue();
        FakeDriver.await(() -> disk.lastThread != null, Duration.ofSeconds(5)); // the device is inside request 1
        postRead(2);
        // avail_event still names index 1: the device has not asked to hear about index 2.
        assertThat(queue.kickIfNeeded(2)).isFalse();
        disk.gate.countDown();
        queue.awaitUsed();
        queue.awaitUsed(); // request 2 served without a kick
        FakeDriver.await(() -> (memory.readShort(queue.used + 4 + 8L * 16) & 0xFFFF) == 3, Duration.ofSeconds(5));
        postRead(3);
        assertThat(queue.kickIfNeeded(3)).isTrue(); // idle again: the next buffer must be announced
        queue.awaitUsed();
    }

    @Test
    void noNotifyFlagSuppressesKicksWhileBusyWithoutEventIdx() {
        start(false);
        warmUp();
        disk.gate = new CountDownLatch(1);
        disk.lastThread = null;
        postRead(0);
        assertThat(queue.kickIfNeeded(1)).isTrue();
        FakeDriver.await(() -> disk.lastThread != null, Duration.ofSeconds(5));
        postRead(1);
        assertThat(queue.kickIfNeeded(2)).isFalse(); // VIRTQ_USED_F_NO_NOTIFY is set while draining
        disk.gate.countDown();
        queue.awaitUsed();
        queue.awaitUsed();
        FakeDriver.await(() -> memory.readShort(queue.used) == 0, Duration.ofSeconds(5));
    }
}
