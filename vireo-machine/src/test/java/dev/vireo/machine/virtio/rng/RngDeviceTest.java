package dev.vireo.machine.virtio.rng;

import dev.vireo.machine.memory.GuestMemory;
import dev.vireo.machine.virtio.FakeDriver;
import dev.vireo.machine.virtio.FakeDriver.Buffer;
import dev.vireo.machine.virtio.RecordingLine;
import dev.vireo.machine.virtio.mmio.VirtioMmioTransport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** virtio-rng (virtio 1.2 §5.4) through virtio-mmio. */
class RngDeviceTest {
    private static final long RAM = 0x8000_0000L;
    private static GuestMemory memory;
    private final AtomicReference<String> thread = new AtomicReference<>();
    private VirtioMmioTransport transport;
    private FakeDriver driver;
    private FakeDriver.Queue queue;

    /** SecureRandom that remembers which thread asked it (entropy must not be drawn on a vCPU). */
    @SuppressWarnings("serial")
    private final class WatchedRandom extends SecureRandom {
        @Override
        public void nextBytes(byte[] bytes) {
            thread.set(Thread.currentThread().getName());
            super.nextBytes(bytes);
        }
    }

    @BeforeAll
    static void allocate() { memory = GuestMemory.allocate(RAM, 1 << 20); }

    @AfterAll
    static void free() { memory.close(); }

    @BeforeEach
    void setUp() {
        transport = new VirtioMmioTransport("virtio-rng", memory, new RngDevice("rng0", new WatchedRandom()), new RecordingLine());
        driver = new FakeDriver(transport, memory);
        driver.negotiateAll();
        queue = driver.setupQueue(0, 64, true);
        driver.driverOk();
    }

    @AfterEach
    void close() { transport.close(); }

    @Test
    void identifiesAsEntropyDevice() {
        assertThat(driver.reg(0x008)).isEqualTo(4);
        assertThat(transport.read(0x100, 4)).isZero();
    }

    @Test
    void fillsWritableBuffersOnItsOwnThread() {
        long buffer = driver.alloc(64, 8);
        queue.post(Buffer.out(buffer, 64));
        queue.kick();
        FakeDriver.Used used = queue.awaitUsed();
        assertThat(used.length()).isEqualTo(64);
        byte[] bytes = new byte[64];
        memory.read(buffer, bytes, 0, 64);
        assertThat(bytes).isNotEqualTo(new byte[64]);
        assertThat(thread.get()).isEqualTo("vireo-rng-rng0");
    }

    @Test
    void capsLargeRequests() {
        long buffer = driver.alloc(16384, 8);
        queue.post(Buffer.out(buffer, 8192), Buffer.out(buffer + 8192, 8192));
        queue.kick();
        assertThat(queue.awaitUsed().length()).isEqualTo(RngDevice.MAX_BYTES_PER_REQUEST);
    }

    @Test
    void servesManyRequestsInOneKick() {
        long buffer = driver.alloc(16 * 32, 8);
        for (int i = 0; i < 32; i++) queue.post(Buffer.out(buffer + 16L * i, 16));
        queue.kick();
        for (int i = 0; i < 32; i++) assertThat(queue.awaitUsed().length()).isEqualTo(16);
    }

    @Test
    void loopingChainNeedsResetAndResetRecovers() {
        queue.writeDescriptor(0, RAM, 16, 1 | 2, 0); // NEXT to itself
        queue.publish(0);
        queue.kick();
        FakeDriver.await(transport::needsReset, java.time.Duration.ofSeconds(5));
        driver.negotiateAll();
        queue = driver.setupQueue(0, 64, true);
        driver.driverOk();
        long buffer = driver.alloc(16, 8);
        queue.post(Buffer.out(buffer, 16));
        queue.kick();
        assertThat(queue.awaitUsed().length()).isEqualTo(16);
    }
}
