package dev.vireo.machine.virtio.input;

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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.vireo.machine.virtio.input.InputEvents.EV_KEY;
import static dev.vireo.machine.virtio.input.InputEvents.EV_SYN;
import static dev.vireo.machine.virtio.input.InputEvents.KEY_POWER;
import static org.assertj.core.api.Assertions.assertThat;

/** virtio-input (virtio 1.2 §5.8) as the power button, through virtio-mmio, driven as Linux's virtio_input does. */
class InputDeviceTest {
    private static final long RAM = 0x8000_0000L;
    private static GuestMemory memory;
    private InputDevice device;
    private VirtioMmioTransport transport;
    private FakeDriver driver;
    private FakeDriver.Queue events, status;

    @BeforeAll
    static void allocate() { memory = GuestMemory.allocate(RAM, 1 << 20); }

    @AfterAll
    static void free() { memory.close(); }

    @BeforeEach
    void setUp() {
        device = new InputDevice("power", InputConfig.powerButton());
        transport = new VirtioMmioTransport("virtio-input", memory, device, new RecordingLine());
        driver = new FakeDriver(transport, memory);
    }

    private void bringUp() {
        driver.negotiateAll();
        events = driver.setupQueue(0, 64, true);
        status = driver.setupQueue(1, 64, true);
        driver.driverOk();
    }

    @AfterEach
    void close() { transport.close(); }

    /** virtinput_cfg_select: writes select and subsel, reads size. */
    private int select(int select, int subsel) {
        transport.write(0x100, 1, select);
        transport.write(0x101, 1, subsel);
        return (int) transport.read(0x102, 1);
    }

    private byte[] union(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) b[i] = (byte) transport.read(0x108 + i, 1);
        return b;
    }

    @Test
    void identifiesAsAnInputDeviceWithNoFeaturesOfItsOwnAndTwoQueues() {
        assertThat(driver.reg(0x008)).isEqualTo(18);
        assertThat(driver.deviceFeatures() & 0xFF_FFFFL).as("device-specific bits 0-23").isZero();
        for (int q = 0; q < 2; q++) {
            driver.reg(0x030, q);
            assertThat(driver.reg(0x034)).isPositive();
        }
        driver.reg(0x030, 2);
        assertThat(driver.reg(0x034)).isZero();
    }

    @Test
    void configSpaceAnswersEachSelector() {
        int size = select(InputDevice.ID_NAME, 0);
        assertThat(new String(union(size), StandardCharsets.UTF_8)).isEqualTo("Vireo Power Button");
        size = select(InputDevice.ID_SERIAL, 0);
        assertThat(new String(union(size), StandardCharsets.UTF_8)).isEqualTo("vireo-power-0");
        assertThat(select(InputDevice.ID_DEVIDS, 0)).isEqualTo(8);
        assertThat(transport.read(0x108, 2)).isEqualTo(InputEvents.BUS_VIRTUAL);
        assertThat(transport.read(0x10A, 2)).isEqualTo(1);

        assertThat(select(InputDevice.PROP_BITS, 0)).isZero();
        assertThat(select(InputDevice.ABS_INFO, 0)).isZero();
        assertThat(select(InputDevice.EV_BITS, 0x02)).isZero(); // EV_REL
        assertThat(select(InputDevice.EV_BITS, 0x03)).isZero(); // EV_ABS
        assertThat(select(InputDevice.EV_BITS, 0x14)).isZero(); // EV_REP: no autorepeat
        assertThat(select(InputDevice.EV_BITS, EV_SYN)).isEqualTo(1);
        assertThat(union(1)[0]).isEqualTo((byte) 1);

        size = select(InputDevice.EV_BITS, EV_KEY);
        assertThat(size).isEqualTo(KEY_POWER / 8 + 1);
        byte[] bitmap = union(size);
        List<Integer> keys = new ArrayList<>();
        for (int bit = 0; bit < size * 8; bit++) if ((bitmap[bit / 8] & (1 << (bit % 8))) != 0) keys.add(bit);
        assertThat(keys).containsExactly(KEY_POWER);

        assertThat(select(InputDevice.SELECT_UNSET, 0)).isZero();
        assertThat(select(0x7F, 0)).isZero();           // unknown selector: size 0
        assertThat(select(InputDevice.ID_NAME, 1)).isZero(); // unknown subsel
        assertThat(transport.read(0x100, 1)).isEqualTo(InputDevice.ID_NAME);
        assertThat(transport.read(0x101, 1)).isEqualTo(1);
        assertThat(union(128)).containsOnly(0);
    }

    @Test
    void aWideConfigWriteSetsSelectAndSubselTogether() {
        transport.write(0x100, 2, InputDevice.EV_BITS | (EV_KEY << 8));
        assertThat(transport.read(0x102, 1)).isEqualTo(KEY_POWER / 8 + 1);
    }

    @Test
    void pressAndReleaseArriveAsFourEventsInOrder() {
        bringUp();
        long buffers = driver.alloc(8 * 8, 8);
        for (int i = 0; i < 8; i++) events.post(Buffer.out(buffers + 8L * i, 8));
        events.kick();
        assertThat(device.pressAndRelease(KEY_POWER)).isTrue();
        int[][] expected = {{EV_KEY, KEY_POWER, 1}, {EV_SYN, 0, 0}, {EV_KEY, KEY_POWER, 0}, {EV_SYN, 0, 0}};
        for (int[] e : expected) {
            FakeDriver.Used used = events.awaitUsed();
            assertThat(used.length()).isEqualTo(8);
            long at = buffers + 8L * used.id();
            assertThat(new int[] {memory.readShort(at) & 0xFFFF, memory.readShort(at + 2) & 0xFFFF, memory.readInt(at + 4)})
                    .containsExactly(e);
        }
        assertThat(events.hasUsed()).isFalse(); // four buffers of eight used
        assertThat(device.pendingEvents()).isZero();
        assertThat(transport.read(0x060, 4) & 1).isEqualTo(1); // used-buffer interrupt raised
    }

    @Test
    void eventsWaitForBuffersTheDriverPostsLater() {
        bringUp();
        assertThat(device.pressAndRelease(KEY_POWER)).isTrue();
        FakeDriver.await(() -> device.pendingEvents() == 4, Duration.ofSeconds(5));
        long buffers = driver.alloc(4 * 8, 8);
        for (int i = 0; i < 4; i++) events.post(Buffer.out(buffers + 8L * i, 8));
        events.kick();
        for (int i = 0; i < 4; i++) events.awaitUsed();
        assertThat(device.pendingEvents()).isZero();
        assertThat(memory.readShort(buffers + 2) & 0xFFFF).isEqualTo(KEY_POWER);
    }

    @Test
    void withoutADriverTheButtonCannotBePressed() {
        assertThat(device.isActive()).isFalse();
        assertThat(device.pressAndRelease(KEY_POWER)).isFalse();
        bringUp();
        assertThat(device.isActive()).isTrue();
        assertThat(device.pressAndRelease(0x1E)).as("KEY_A is not on a power button").isFalse();
        driver.reg(0x070, 0); // reset
        assertThat(device.isActive()).isFalse();
        assertThat(device.pressAndRelease(KEY_POWER)).isFalse();
    }

    @Test
    void aFullPendingQueueRefusesWholeGroups() {
        bringUp();
        for (int i = 0; i < InputDevice.MAX_PENDING_EVENTS / 4; i++) assertThat(device.pressAndRelease(KEY_POWER)).isTrue();
        assertThat(device.pressAndRelease(KEY_POWER)).isFalse();
        assertThat(device.pendingEvents()).isEqualTo(InputDevice.MAX_PENDING_EVENTS);
    }

    @Test
    void statusReportsAreTakenAndDropped() {
        bringUp();
        long report = driver.alloc(8, 8);
        memory.writeShort(report, (short) 0x11); // EV_LED
        status.post(Buffer.in(report, 8));
        status.kick();
        assertThat(status.awaitUsed().length()).isZero();
    }

    @Test
    void aTooSmallEventBufferNeedsResetAndResetRecovers() {
        bringUp();
        long buffer = driver.alloc(8, 8);
        events.post(Buffer.out(buffer, 4)); // half an event
        events.kick();
        device.pressAndRelease(KEY_POWER);
        FakeDriver.await(transport::needsReset, Duration.ofSeconds(5));
        assertThat(memory.readInt(buffer)).isZero(); // nothing written into the short buffer

        bringUp();
        long buffers = driver.alloc(4 * 8, 8);
        for (int i = 0; i < 4; i++) events.post(Buffer.out(buffers + 8L * i, 8));
        events.kick();
        assertThat(device.pressAndRelease(KEY_POWER)).isTrue();
        for (int i = 0; i < 4; i++) assertThat(events.awaitUsed().length()).isEqualTo(8);
    }

    @Test
    void aLoopingEventChainNeedsReset() {
        bringUp();
        events.writeDescriptor(0, RAM, 8, 1 | 2, 0); // NEXT to itself, device-writable
        events.publish(0);
        events.kick();
        device.pressAndRelease(KEY_POWER);
        FakeDriver.await(transport::needsReset, Duration.ofSeconds(5));
    }

    @Test
    void aReadOnlyEventBufferNeedsReset() {
        bringUp();
        long buffer = driver.alloc(8, 8);
        events.post(Buffer.in(buffer, 8)); // the device cannot write an event there
        events.kick();
        device.pressAndRelease(KEY_POWER);
        FakeDriver.await(transport::needsReset, Duration.ofSeconds(5));
    }
}
