package dev.vireo.machine.virtio.input;

import dev.vireo.machine.memory.GuestMemory;
import dev.vireo.machine.virtio.DescriptorChain;
import dev.vireo.machine.virtio.QueueWorker;
import dev.vireo.machine.virtio.VirtioContext;
import dev.vireo.machine.virtio.VirtioDevice;
import dev.vireo.machine.virtio.VirtioFeatures;
import dev.vireo.machine.virtio.Virtqueue;
import dev.vireo.machine.virtio.VirtqueueException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * The virtio input device (virtio 1.2 §5.8, device ID 18) as a host-driven key source, e.g. the
 * machine's power button: the host {@link #inject}s key events, the device's I/O thread
 * ("vireo-input-" + name) writes them into the buffers the driver posted on the event queue.
 * Reports from the driver on the status queue (LEDs, bells) are taken and dropped.
 *
 * <p>Configuration space (§5.8.4), driver-selected:
 * <pre>
 * 0    u8 select      ID_NAME 0x01, ID_SERIAL 0x02, ID_DEVIDS 0x03, PROP_BITS 0x10, EV_BITS 0x11, ABS_INFO 0x12
 * 1    u8 subsel      EV_BITS: the event type; ABS_INFO: the axis
 * 2    u8 size        bytes of u valid for (select, subsel); 0 = nothing there
 * 3    u8 reserved[5]
 * 8    union u        string[128] | bitmap[128] | absinfo {le32 min, max, fuzz, flat, res} | devids {le16 bustype, vendor, product, version}
 * </pre>
 * This device answers ID_NAME, ID_SERIAL, ID_DEVIDS, EV_BITS for EV_SYN (SYN_REPORT) and
 * EV_KEY (its keys); PROP_BITS and ABS_INFO have size 0 (no properties, no axes).
 *
 * <p>Events wait in a bounded host-side queue ({@link #MAX_PENDING_EVENTS}) until the driver
 * has buffers for them, as the spec's device requirement on event order asks (§5.8.6.2:
 * events in order); when it overflows, {@link #inject} refuses the whole group. A reset drops
 * them. An event buffer that cannot hold one 8-byte event is a driver error: DEVICE_NEEDS_RESET.
 *
 * <p>Threads: config accessors on vCPU threads (serialized by the transport); {@link #inject}
 * from any host thread (it only queues and kicks); the queues only on the I/O thread.
 */
public final class InputDevice implements VirtioDevice {
    public static final int DEVICE_ID = 18;
    static final int EVENT_QUEUE = 0, STATUS_QUEUE = 1;
    static final int CONFIG_SIZE = 136;
    static final int SELECT_UNSET = 0x00, ID_NAME = 0x01, ID_SERIAL = 0x02, ID_DEVIDS = 0x03,
            PROP_BITS = 0x10, EV_BITS = 0x11, ABS_INFO = 0x12;
    static final int MAX_PENDING_EVENTS = 64;
    private static final int QUEUE_SIZE = 64;
    private static final int UNION = 8;

    private final InputConfig config;
    private final byte[] keyBitmap;
    private final QueueWorker worker;
    private final DescriptorChain chain = new DescriptorChain(QUEUE_SIZE);
    private final byte[] event = new byte[InputEvents.EVENT_SIZE];
    /** Host events not yet delivered; guarded by itself. */
    private final ArrayDeque<Long> pending = new ArrayDeque<>();
    private volatile boolean active;
    // Config selection, written by the driver (vCPU threads, serialized by the transport).
    private int select, subsel;
    private byte[] selected = new byte[0];

    public InputDevice(String name, InputConfig config) {
        this.config = config;
        int highest = config.keys().stream().mapToInt(Integer::intValue).max().orElse(0);
        this.keyBitmap = new byte[highest / 8 + 1];
        for (int key : config.keys()) keyBitmap[key / 8] |= (byte) (1 << (key % 8));
        this.worker = new QueueWorker("vireo-input-" + name, this::drain);
    }

    public Thread ioThread() { return worker.thread(); }

    /** Whether a driver has the device running (DRIVER_OK and not reset): only then can it hear events. */
    public boolean isActive() { return active; }

    /**
     * Queues a key press and release, each followed by SYN_REPORT, as a physical key sends them.
     * Returns false (nothing queued) when no driver runs the device or the queue is full.
     */
    public boolean pressAndRelease(int key) {
        return inject(new int[][] {
                {InputEvents.EV_KEY, key, 1}, {InputEvents.EV_SYN, InputEvents.SYN_REPORT, 0},
                {InputEvents.EV_KEY, key, 0}, {InputEvents.EV_SYN, InputEvents.SYN_REPORT, 0}});
    }

    /**
     * Queues events ({type, code, value} each) for the guest, all or none; returns false when no
     * driver runs the device, a key is not one this device has, or the pending queue is full.
     */
    public boolean inject(int[][] events) {
        for (int[] e : events) {
            if (e[0] == InputEvents.EV_KEY && !config.keys().contains(e[1])) return false;
        }
        synchronized (pending) {
            if (!active || pending.size() + events.length > MAX_PENDING_EVENTS) return false;
            for (int[] e : events) pending.add(InputEvents.pack(e[0], e[1], e[2]));
        }
        worker.kick();
        return true;
    }

    /** Events queued by the host and not yet taken by the driver. */
    public int pendingEvents() {
        synchronized (pending) {
            return pending.size();
        }
    }

    @Override
    public int deviceId() { return DEVICE_ID; }

    @Override
    public long deviceFeatures() { return VirtioFeatures.CORE; }

    @Override
    public int queueCount() { return 2; }

    @Override
    public int queueMaxSize(int index) { return QUEUE_SIZE; }

    @Override
    public int configSize() { return CONFIG_SIZE; }

    @Override
    public long readConfig(int offset, int size) {
        return VirtioDevice.littleEndian(this::configByte, offset, size);
    }

    private int configByte(int offset) {
        return switch (offset) {
            case 0 -> select;
            case 1 -> subsel;
            case 2 -> selected.length;
            default -> offset >= UNION && offset - UNION < selected.length ? selected[offset - UNION] : 0;
        };
    }

    @Override
    public void writeConfig(int offset, int size, long value) {
        // Only select and subsel are writable (§5.8.4); a wide write may cover both.
        for (int i = 0; i < size; i++) {
            int at = offset + i, b = (int) (value >>> (8 * i)) & 0xFF;
            if (at == 0) select = b;
            else if (at == 1) subsel = b;
        }
        selected = answer(select, subsel);
    }

    /** The union's contents for (select, subsel); empty when the device has nothing there. */
    private byte[] answer(int select, int subsel) {
        return switch (select) {
            case ID_NAME -> subsel == 0 ? config.name().getBytes(StandardCharsets.UTF_8) : new byte[0];
            case ID_SERIAL -> subsel == 0 ? config.serial().getBytes(StandardCharsets.UTF_8) : new byte[0];
            case ID_DEVIDS -> subsel == 0 ? devids() : new byte[0];
            case EV_BITS -> switch (subsel) {
                case InputEvents.EV_SYN -> new byte[] {1 << InputEvents.SYN_REPORT};
                case InputEvents.EV_KEY -> keyBitmap.clone();
                default -> new byte[0];
            };
            default -> new byte[0]; // UNSET, PROP_BITS (none), ABS_INFO (no axes), unknown selectors
        };
    }

    private byte[] devids() {
        int[] ids = {config.bustype(), config.vendor(), config.product(), config.version()};
        byte[] b = new byte[8];
        for (int i = 0; i < 4; i++) {
            b[2 * i] = (byte) ids[i];
            b[2 * i + 1] = (byte) (ids[i] >>> 8);
        }
        return b;
    }

    @Override
    public void activate(VirtioContext context) {
        worker.activate(context, () -> active = true);
    }

    @Override
    public void notifyQueue(int index) { worker.kick(); }

    @Override
    public void reset() {
        worker.deactivate(() -> {
            active = false;
            synchronized (pending) {
                pending.clear();
            }
        });
        select = subsel = 0;
        selected = new byte[0];
    }

    private void drain(VirtioContext context) throws VirtqueueException {
        GuestMemory memory = context.memory();
        Virtqueue status = context.queue(STATUS_QUEUE);
        if (status.isReady()) {
            while (status.pop(chain)) {
                status.addUsed(chain.head(), 0); // LED/bell reports: nothing to drive on this host
                if (status.needsInterrupt()) context.signalUsedBuffers();
            }
        }
        Virtqueue events = context.queue(EVENT_QUEUE);
        if (!events.isReady()) return;
        while (true) {
            long next;
            synchronized (pending) {
                if (pending.isEmpty()) return;
                next = pending.peek();
            }
            if (!events.pop(chain)) return; // no buffer yet: the event waits for the driver's next kick
            if (chain.writableBytes() < InputEvents.EVENT_SIZE) {
                throw new VirtqueueException("event queue: buffer " + chain.head() + " has " + chain.writableBytes()
                        + " writable bytes, one event needs " + InputEvents.EVENT_SIZE);
            }
            for (int i = 0; i < InputEvents.EVENT_SIZE; i++) event[i] = (byte) (next >>> (8 * i));
            chain.write(memory, 0, event, 0, InputEvents.EVENT_SIZE);
            synchronized (pending) {
                pending.poll();
            }
            events.addUsed(chain.head(), InputEvents.EVENT_SIZE);
            if (events.needsInterrupt()) context.signalUsedBuffers();
        }
    }

    @Override
    public void close() { worker.close(); }
}
