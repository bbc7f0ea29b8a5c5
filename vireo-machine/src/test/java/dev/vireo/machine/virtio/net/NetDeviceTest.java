package dev.vireo.machine.virtio.net;

import dev.vireo.machine.memory.GuestMemory;
import dev.vireo.machine.net.FrameLink;
import dev.vireo.machine.virtio.FakeDriver;
import dev.vireo.machine.virtio.FakeDriver.Buffer;
import dev.vireo.machine.virtio.RecordingLine;
import dev.vireo.machine.virtio.mmio.VirtioMmioTransport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** virtio-net (virtio 1.2 §5.1) through virtio-mmio, against an in-memory link. */
class NetDeviceTest {
    private static final long RAM = 0x8000_0000L;
    private static final long MAC = 0x5254_0012_3456L;
    private static GuestMemory memory;
    private final TestLink link = new TestLink();
    private VirtioMmioTransport transport;
    private FakeDriver driver;
    private FakeDriver.Queue rx, tx;
    private NetDevice device;

    /** Records sent frames with the sending thread; lets the test inject received frames. */
    static final class TestLink implements FrameLink {
        final List<byte[]> sent = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();
        volatile Receiver receiver;
        volatile boolean up = true;
        volatile Runnable linkListener;

        @Override public void start(Receiver r) { receiver = r; }
        @Override public boolean linkUp() { return up; }
        @Override public void onLinkChange(Runnable l) { linkListener = l; }
        @Override public boolean send(byte[] f, int o, int l) {
            sent.add(Arrays.copyOfRange(f, o, o + l));
            threads.add(Thread.currentThread().getName());
            return true;
        }
        @Override public String describe() { return "test"; }
        @Override public void close() { }
    }

    @BeforeAll
    static void allocate() { memory = GuestMemory.allocate(RAM, 4 << 20); }

    @AfterAll
    static void free() { memory.close(); }

    @BeforeEach
    void setUp() {
        device = new NetDevice(NetConfig.of("eth0", MAC), link);
        transport = new VirtioMmioTransport("virtio-net", memory, device, new RecordingLine());
        driver = new FakeDriver(transport, memory);
    }

    private void start(boolean mergeable) {
        long features = driver.deviceFeatures();
        if (!mergeable) features &= ~(1L << NetDevice.F_MRG_RXBUF);
        assertThat(driver.negotiate(features)).isTrue();
        rx = driver.setupQueue(0, 256, true);
        tx = driver.setupQueue(1, 256, true);
        driver.driverOk();
    }

    @AfterEach
    void close() { transport.close(); }

    @Test
    void identifiesAsNetworkDeviceWithMacAndLinkUp() {
        assertThat(driver.reg(0x008)).isEqualTo(1);
        assertThat(driver.deviceFeatures()).satisfies(f -> {
            assertThat(f & (1L << NetDevice.F_MAC)).isNotZero();
            assertThat(f & (1L << NetDevice.F_STATUS)).isNotZero();
            assertThat(f & (1L << NetDevice.F_MRG_RXBUF)).isNotZero();
        });
        assertThat(transport.read(0x100, 1)).isEqualTo(0x52);
        assertThat(transport.read(0x105, 1)).isEqualTo(0x56);
        assertThat(transport.read(0x106, 2)).isEqualTo(1);
    }

    @Test
    void reportsTheLinksStateAndRaisesAConfigChangeWhenItChanges() {
        start(true);
        int generation = driver.reg(0x0fc);
        assertThat(transport.read(0x106, 2)).as("status: link up").isEqualTo(1);
        link.up = false;
        link.linkListener.run();
        assertThat(transport.read(0x106, 2)).as("status: link down").isEqualTo(0);
        assertThat(driver.reg(0x060) & 2).as("configuration-change interrupt").isEqualTo(2);
        assertThat(driver.reg(0x0fc)).as("config generation").isNotEqualTo(generation);
        driver.reg(0x064, 2);
        link.up = true;
        link.linkListener.run();
        assertThat(transport.read(0x106, 2)).isEqualTo(1);
        assertThat(driver.reg(0x060) & 2).isEqualTo(2);
        assertThat(device.metrics().linkChanges()).isEqualTo(2);
    }

    @Test
    void aLinkChangeBeforeTheDriverIsReadyRaisesNothing() {
        link.up = false;
        link.linkListener.run();
        assertThat(driver.reg(0x060)).isZero();
        assertThat(transport.read(0x106, 2)).isEqualTo(0);
    }

    @Test
    void transmitsFramesOffTheVcpuThreadAndDropsRunts() {
        start(true);
        byte[] frame = new byte[60];
        frame[0] = (byte) 0xFF;
        frame[59] = 42;
        long buffer = driver.alloc(12 + 60, 8);
        memory.write(buffer + 12, frame, 0, 60);
        tx.post(Buffer.in(buffer, 12 + 60));
        tx.kick();
        tx.awaitUsed();
        assertThat(link.sent).singleElement().isEqualTo(frame);
        assertThat(link.threads).containsExactly("vireo-net-eth0");

        long runt = driver.alloc(12 + 10, 8);
        tx.post(Buffer.in(runt, 22));
        tx.kick();
        tx.awaitUsed();
        assertThat(device.metrics().txDropped()).isEqualTo(1);
        assertThat(link.sent).hasSize(1);
    }

    @Test
    void receivesAFrameIntoOneBufferWithTheHeader() {
        start(false);
        long buffer = driver.alloc(2048, 8);
        rx.post(Buffer.out(buffer, 2048));
        rx.kick();
        byte[] frame = new byte[100];
        for (int i = 0; i < frame.length; i++) frame[i] = (byte) i;
        link.receiver.receive(frame, 0, frame.length);
        FakeDriver.Used used = rx.awaitUsed();
        assertThat(used.length()).isEqualTo(112);
        byte[] got = new byte[112];
        memory.read(buffer, got, 0, 112);
        assertThat(Arrays.copyOfRange(got, 12, 112)).isEqualTo(frame);
        assertThat(got[10]).as("num_buffers").isEqualTo((byte) 1);
    }

    @Test
    void spreadsALargeFrameOverMergeableBuffersInOrder() {
        start(true);
        long[] buffers = new long[4];
        for (int i = 0; i < 4; i++) {
            buffers[i] = driver.alloc(512, 8);
            rx.post(Buffer.out(buffers[i], 512));
        }
        rx.kick();
        byte[] frame = new byte[1500];
        for (int i = 0; i < frame.length; i++) frame[i] = (byte) (i * 7);
        link.receiver.receive(frame, 0, frame.length);
        FakeDriver.Used first = rx.awaitUsed(), second = rx.awaitUsed(), third = rx.awaitUsed();
        assertThat(first.length()).isEqualTo(512);
        assertThat(second.length()).isEqualTo(512);
        assertThat(third.length()).isEqualTo(1512 - 1024);
        byte[] all = new byte[1536];
        for (int i = 0; i < 3; i++) memory.read(buffers[i], all, 512 * i, 512);
        assertThat(all[10]).as("num_buffers").isEqualTo((byte) 3);
        assertThat(Arrays.copyOfRange(all, 12, 1512)).isEqualTo(frame);
    }

    @Test
    void aFloodWithoutGuestBuffersIsBoundedAndCounted() {
        start(true);
        byte[] frame = new byte[1000];
        for (int i = 0; i < 10_000; i++) link.receiver.receive(frame, 0, frame.length);
        assertThat(device.metrics().rxDropped()).isGreaterThanOrEqualTo(10_000 - NetConfig.DEFAULT_RING);
        // Once the guest posts buffers the held frames arrive.
        long buffer = driver.alloc(2048, 8);
        rx.post(Buffer.out(buffer, 2048));
        rx.kick();
        assertThat(rx.awaitUsed().length()).isEqualTo(1012);
        FakeDriver.await(() -> device.metrics().rxFrames() == 1, Duration.ofSeconds(2));
    }
}
