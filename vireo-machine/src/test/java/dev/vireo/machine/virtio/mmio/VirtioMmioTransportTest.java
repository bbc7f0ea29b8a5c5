package dev.vireo.machine.virtio.mmio;

import dev.vireo.machine.memory.GuestMemory;
import dev.vireo.machine.virtio.DeviceStatus;
import dev.vireo.machine.virtio.FakeDriver;
import dev.vireo.machine.virtio.RecordingLine;
import dev.vireo.machine.virtio.VirtioContext;
import dev.vireo.machine.virtio.VirtioDevice;
import dev.vireo.machine.virtio.VirtioFeatures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Register-level behaviour of virtio-mmio v2 (virtio 1.2 §4.2.2, §3.1.1) with a scripted device. */
class VirtioMmioTransportTest {
    private static final long RAM = 0x8000_0000L;
    private static GuestMemory memory;
    private final RecordingLine line = new RecordingLine();
    private ScriptedDevice device;
    private VirtioMmioTransport transport;
    private FakeDriver driver;

    /** A device that records what the transport asks of it. */
    static final class ScriptedDevice implements VirtioDevice {
        final List<String> calls = new ArrayList<>();
        VirtioContext context;
        int configValue = 0x11223344;

        @Override public int deviceId() { return 42; }
        @Override public long deviceFeatures() { return VirtioFeatures.CORE | 1L << 3; }
        @Override public int queueCount() { return 2; }
        @Override public int queueMaxSize(int index) { return index == 0 ? 16 : 8; }
        @Override public int configSize() { return 8; }
        @Override public long readConfig(int offset, int size) {
            long all = Integer.toUnsignedLong(configValue) | 0xAABBCCDD_00000000L;
            return (all >>> (8 * offset)) & (size == 8 ? -1L : (1L << (8 * size)) - 1);
        }
        @Override public void activate(VirtioContext c) { context = c; calls.add("activate"); }
        @Override public void notifyQueue(int index) { calls.add("notify " + index); }
        @Override public void reset() { calls.add("reset"); }
        @Override public void close() { calls.add("close"); }
    }

    @BeforeAll
    static void allocate() { memory = GuestMemory.allocate(RAM, 1 << 20); }

    @AfterAll
    static void free() { memory.close(); }

    @BeforeEach
    void setUp() {
        device = new ScriptedDevice();
        transport = new VirtioMmioTransport("test", memory, device, line);
        driver = new FakeDriver(transport, memory);
    }

    @Test
    void exposesIdentityRegisters() {
        assertThat(driver.reg(0x000)).isEqualTo(VirtioMmioTransport.MAGIC);
        assertThat(driver.reg(0x004)).isEqualTo(2);
        assertThat(driver.reg(0x008)).isEqualTo(42);
        assertThat(driver.reg(0x0b0)).isEqualTo(-1); // no shared memory regions
    }

    @Test
    void ignoresNarrowAndMisalignedRegisterAccesses() {
        assertThat(transport.read(0x000, 2)).isZero();
        assertThat(transport.read(0x002, 4)).isZero();
        transport.write(0x070, 1, 0); // must not reset or throw
        assertThat(device.calls).isEmpty();
    }

    @Test
    void selectsFeatureWords() {
        assertThat(driver.deviceFeatures()).isEqualTo(VirtioFeatures.CORE | 1L << 3);
        driver.reg(0x014, 2);
        assertThat(driver.reg(0x010)).isZero();
    }

    @Test
    void refusesFeaturesWithoutVersion1() {
        assertThat(driver.negotiate(1L << 3)).isFalse();
    }

    @Test
    void refusesFeaturesTheDeviceDidNotOffer() {
        assertThat(driver.negotiate(VirtioFeatures.bit(VirtioFeatures.VERSION_1) | 1L << 4)).isFalse();
        assertThat(driver.negotiate(VirtioFeatures.bit(VirtioFeatures.VERSION_1) | 1L << 3)).isTrue();
    }

    @Test
    void activatesOnDriverOkWithNegotiatedFeatures() {
        driver.negotiate(VirtioFeatures.bit(VirtioFeatures.VERSION_1));
        driver.setupQueue(0, 16, false);
        driver.driverOk();
        assertThat(device.calls).containsExactly("reset", "activate");
        assertThat(device.context.features()).isEqualTo(VirtioFeatures.bit(VirtioFeatures.VERSION_1));
        assertThat(device.context.queue(0).isReady()).isTrue();
        assertThat(device.context.queue(1).isReady()).isFalse();
    }

    @Test
    void driverOkWithoutFeaturesOkIsADeviceError() {
        driver.reg(0x070, DeviceStatus.ACKNOWLEDGE | DeviceStatus.DRIVER | DeviceStatus.DRIVER_OK);
        assertThat(transport.needsReset()).isTrue();
        assertThat(device.calls).doesNotContain("activate");
    }

    @Test
    void forwardsNotifyOnlyForReadyQueuesAfterDriverOk() {
        driver.negotiateAll();
        FakeDriver.Queue q = driver.setupQueue(0, 16, true);
        q.kick(); // before DRIVER_OK
        driver.driverOk();
        q.kick();
        driver.reg(0x050, 1); // queue 1 not ready
        driver.reg(0x050, 7); // no such queue
        assertThat(device.calls).containsExactly("reset", "activate", "notify 0");
    }

    @Test
    void rejectsQueueSizeLargerThanMaximum() {
        driver.negotiateAll();
        driver.reg(0x030, 1);
        driver.reg(0x038, 16); // max is 8
        driver.reg(0x044, 1);
        assertThat(driver.reg(0x044)).isZero();
        assertThat(transport.needsReset()).isTrue();
        assertThat(driver.reg(0x060)).isEqualTo(2);
    }

    @Test
    void rejectsRingsOutsideRam() {
        driver.negotiateAll();
        driver.reg(0x030, 0);
        driver.reg(0x080, 0x1000); // below RAM
        driver.reg(0x044, 1);
        assertThat(transport.needsReset()).isTrue();
    }

    @Test
    void ignoresQueueRegisterWritesWhileReady() {
        driver.negotiateAll();
        FakeDriver.Queue q = driver.setupQueue(0, 16, true);
        driver.reg(0x080, 0x1234);
        assertThat(device.context == null ? null : device.context.queue(0).descriptorTable()).isNull();
        driver.driverOk();
        assertThat(device.context.queue(0).descriptorTable()).isEqualTo(q.desc);
    }

    @Test
    void readsConfigSpaceAtAnyWidth() {
        assertThat(transport.read(0x100, 4)).isEqualTo(0x11223344L);
        assertThat(transport.read(0x101, 1)).isEqualTo(0x33L);
        assertThat(transport.read(0x104, 2)).isEqualTo(0xCCDDL);
        assertThat(transport.read(0x100, 8)).isEqualTo(0xAABBCCDD_11223344L);
        assertThat(transport.read(0x106, 4)).isZero(); // crosses the end
        assertThat(transport.read(0x100, 3)).isZero();
    }

    @Test
    void configChangeBumpsGenerationAndInterrupts() {
        driver.negotiateAll();
        driver.setupQueue(0, 16, true);
        driver.driverOk();
        int generation = driver.reg(0x0fc);
        device.context.signalConfigChange();
        assertThat(driver.reg(0x0fc)).isEqualTo(generation + 1);
        assertThat(line.level()).isTrue();
        assertThat(driver.acknowledgeInterrupts()).isEqualTo(2);
        assertThat(line.level()).isFalse();
    }

    @Test
    void lineStaysHighUntilEveryBitIsAcknowledged() {
        driver.negotiateAll();
        driver.setupQueue(0, 16, true);
        driver.driverOk();
        device.context.signalUsedBuffers();
        device.context.signalConfigChange();
        driver.reg(0x064, 1);
        assertThat(line.level()).isTrue();
        driver.reg(0x064, 2);
        assertThat(line.level()).isFalse();
    }

    @Test
    void deviceErrorSetsNeedsResetOnceAndResetClearsIt() {
        driver.negotiateAll();
        driver.setupQueue(0, 16, true);
        driver.driverOk();
        device.context.deviceError("first");
        device.context.deviceError("second");
        assertThat(driver.status() & DeviceStatus.DEVICE_NEEDS_RESET).isNotZero();
        assertThat(line.rises()).isEqualTo(1);
        driver.reg(0x070, 0);
        assertThat(driver.status()).isZero();
        assertThat(driver.reg(0x060)).isZero();
        assertThat(line.level()).isFalse();
        driver.reg(0x030, 0);
        assertThat(driver.reg(0x044)).isZero(); // queues forgotten
    }

    @Test
    void driverCannotSetNeedsResetItself() {
        driver.reg(0x070, DeviceStatus.ACKNOWLEDGE | DeviceStatus.DEVICE_NEEDS_RESET);
        assertThat(driver.status()).isEqualTo(DeviceStatus.ACKNOWLEDGE);
    }

    @Test
    void closeClosesTheDevice() {
        transport.close();
        assertThat(device.calls).containsExactly("close");
    }
}
