package dev.vireo.machine.virtio.mmio;

import dev.vireo.machine.bus.MmioDevice;
import dev.vireo.machine.irq.InterruptLine;
import dev.vireo.machine.memory.GuestMemory;
import dev.vireo.machine.virtio.DeviceStatus;
import dev.vireo.machine.virtio.VirtioContext;
import dev.vireo.machine.virtio.VirtioDevice;
import dev.vireo.machine.virtio.VirtioFeatures;
import dev.vireo.machine.virtio.Virtqueue;

/**
 * The virtio-mmio transport, version 2 (virtio 1.2 §4.2): a 0x200-byte register window in
 * front of one {@link VirtioDevice}. Register map (32-bit registers, offsets from the base):
 *
 * <pre>
 * 0x000 MagicValue "virt"   0x004 Version = 2       0x008 DeviceID        0x00c VendorID
 * 0x010 DeviceFeatures      0x014 DeviceFeaturesSel 0x020 DriverFeatures  0x024 DriverFeaturesSel
 * 0x030 QueueSel            0x034 QueueNumMax       0x038 QueueNum        0x044 QueueReady
 * 0x050 QueueNotify         0x060 InterruptStatus   0x064 InterruptACK    0x070 Status
 * 0x080/84 QueueDesc lo/hi  0x090/94 QueueDriver    0x0a0/a4 QueueDevice  0x0fc ConfigGeneration
 * 0x100… device configuration space
 * </pre>
 *
 * <p>The interrupt line is level-triggered: high exactly while InterruptStatus ≠ 0 (bit 0 used
 * buffer, bit 1 configuration change).
 *
 * <p>Threads: registers are accessed from vCPU threads and serialized on {@code this}. The
 * device's I/O thread calls the {@link VirtioContext} methods, which take only the small
 * interrupt lock, never {@code this}, so a vCPU resetting the device (which waits for the I/O
 * thread) cannot deadlock with an I/O thread signalling.
 */
public final class VirtioMmioTransport implements MmioDevice, VirtioContext, AutoCloseable {
    public static final long WINDOW_SIZE = 0x200;
    public static final int MAGIC = 0x74726976;
    public static final int VENDOR_ID = 0x4f524956; // "VIRO", little-endian
    static final int INTERRUPT_USED_BUFFER = 1, INTERRUPT_CONFIG_CHANGE = 2;

    private static final System.Logger LOG = System.getLogger(VirtioMmioTransport.class.getName());

    private final String name;
    private final GuestMemory memory;
    private final VirtioDevice device;
    private final InterruptLine line;
    private final Virtqueue[] queues;
    private final long offeredFeatures;

    // Guarded by this (vCPU threads).
    private int deviceFeaturesSelect;
    private int driverFeaturesSelect;
    private long driverFeatures;
    private int queueSelect;
    private int status;
    private volatile long negotiatedFeatures;

    // Guarded by interruptLock (any thread).
    private final Object interruptLock = new Object();
    private int interruptStatus;
    private volatile int configGeneration;
    private volatile boolean needsReset;

    /**
     * @param name how logs name the device, e.g. "virtio-blk vda"
     */
    public VirtioMmioTransport(String name, GuestMemory memory, VirtioDevice device, InterruptLine line) {
        this.name = name;
        this.memory = memory;
        this.device = device;
        this.line = line;
        // We have no legacy interface (§4.2.4): VERSION_1 is always offered.
        this.offeredFeatures = device.deviceFeatures() | VirtioFeatures.bit(VirtioFeatures.VERSION_1);
        this.queues = new Virtqueue[device.queueCount()];
        for (int i = 0; i < queues.length; i++) queues[i] = new Virtqueue(i, device.queueMaxSize(i));
    }

    public String name() { return name; }

    public VirtioDevice device() { return device; }

    @Override
    public synchronized long read(long offset, int size) {
        if (offset >= 0x100) return readConfig(offset - 0x100, size);
        if (size != 4 || (offset & 3) != 0) return 0; // §4.2.2.2: registers are 32-bit, aligned
        Virtqueue q = selectedQueue();
        return Integer.toUnsignedLong(switch ((int) offset) {
            case 0x000 -> MAGIC;
            case 0x004 -> 2;
            case 0x008 -> device.deviceId();
            case 0x00c -> VENDOR_ID;
            case 0x010 -> deviceFeaturesSelect == 0 ? (int) offeredFeatures
                    : deviceFeaturesSelect == 1 ? (int) (offeredFeatures >>> 32) : 0;
            case 0x034 -> q == null ? 0 : q.maxSize();
            case 0x044 -> q != null && q.isReady() ? 1 : 0;
            case 0x060 -> interruptStatus();
            case 0x070 -> status | (needsReset ? DeviceStatus.DEVICE_NEEDS_RESET : 0);
            // §4.2.2: shared memory regions are absent: length and base read as all ones.
            case 0x0b0, 0x0b4, 0x0b8, 0x0bc -> -1;
            case 0x0fc -> configGeneration;
            default -> 0;
        });
    }

    private long readConfig(long offset, int size) {
        if (!(size == 1 || size == 2 || size == 4 || size == 8)) return 0;
        if (offset < 0 || offset + size > device.configSize()) return 0;
        return device.readConfig((int) offset, size);
    }

    @Override
    public synchronized void write(long offset, int size, long value) {
        if (offset >= 0x100) {
            if (offset + size <= 0x100L + device.configSize()) device.writeConfig((int) (offset - 0x100), size, value);
            return;
        }
        if (size != 4 || (offset & 3) != 0) return;
        int v = (int) value;
        Virtqueue q = selectedQueue();
        switch ((int) offset) {
            case 0x014 -> deviceFeaturesSelect = v;
            case 0x020 -> writeDriverFeatures(v);
            case 0x024 -> driverFeaturesSelect = v;
            case 0x030 -> queueSelect = v;
            case 0x038 -> { if (configurable(q)) q.setSize(v); }
            case 0x044 -> writeQueueReady(q, v);
            case 0x050 -> notifyQueue(v);
            case 0x064 -> acknowledge(v);
            case 0x070 -> writeStatus(v);
            case 0x080 -> { if (configurable(q)) q.setDescriptorTable(low(q.descriptorTable(), v)); }
            case 0x084 -> { if (configurable(q)) q.setDescriptorTable(high(q.descriptorTable(), v)); }
            case 0x090 -> { if (configurable(q)) q.setAvailRing(low(q.availRing(), v)); }
            case 0x094 -> { if (configurable(q)) q.setAvailRing(high(q.availRing(), v)); }
            case 0x0a0 -> { if (configurable(q)) q.setUsedRing(low(q.usedRing(), v)); }
            case 0x0a4 -> { if (configurable(q)) q.setUsedRing(high(q.usedRing(), v)); }
            default -> { } // read-only or unknown register: ignored (MmioDevice contract)
        }
    }

    private static long low(long old, int v) { return (old & 0xFFFF_FFFF_0000_0000L) | Integer.toUnsignedLong(v); }

    private static long high(long old, int v) { return (old & 0xFFFF_FFFFL) | ((long) v << 32); }

    private Virtqueue selectedQueue() {
        return queueSelect >= 0 && queueSelect < queues.length ? queues[queueSelect] : null;
    }

    /** §4.2.2.2: queue registers may change only while the queue is not ready (and before DRIVER_OK). */
    private boolean configurable(Virtqueue q) {
        return q != null && !q.isReady() && (status & DeviceStatus.DRIVER_OK) == 0;
    }

    private void writeDriverFeatures(int v) {
        if ((status & DeviceStatus.FEATURES_OK) != 0) return; // §3.1.1: fixed once FEATURES_OK is set
        if (driverFeaturesSelect == 0) driverFeatures = (driverFeatures & 0xFFFF_FFFF_0000_0000L) | Integer.toUnsignedLong(v);
        else if (driverFeaturesSelect == 1) driverFeatures = (driverFeatures & 0xFFFF_FFFFL) | ((long) v << 32);
    }

    private void writeQueueReady(Virtqueue q, int v) {
        if (q == null) return;
        if (v == 0) {
            // Disabling a live queue needs VIRTIO_F_RING_RESET, which we do not offer; before
            // DRIVER_OK it simply withdraws the queue.
            if ((status & DeviceStatus.DRIVER_OK) == 0) q.setReady(false);
            return;
        }
        if (!configurable(q)) return;
        String problem = q.validateLayout(memory);
        if (problem != null) {
            deviceError(problem);
            return;
        }
        q.setReady(true);
    }

    private void notifyQueue(int index) {
        if ((status & DeviceStatus.DRIVER_OK) == 0 || needsReset) return;
        if (index < 0 || index >= queues.length || !queues[index].isReady()) return;
        device.notifyQueue(index);
    }

    private void writeStatus(int v) {
        if (v == 0) {
            reset();
            return;
        }
        int old = status;
        int next = v & ~DeviceStatus.DEVICE_NEEDS_RESET; // that bit is the device's to set (§2.1.2)
        if ((next & DeviceStatus.FEATURES_OK) != 0 && (old & DeviceStatus.FEATURES_OK) == 0) {
            // §3.1.1 step 5/6: accept only a subset of what we offered, and only virtio 1.x.
            boolean acceptable = (driverFeatures & ~offeredFeatures) == 0
                    && VirtioFeatures.has(driverFeatures, VirtioFeatures.VERSION_1);
            if (!acceptable) next &= ~DeviceStatus.FEATURES_OK;
            else negotiatedFeatures = driverFeatures;
        }
        status = next;
        if ((next & DeviceStatus.DRIVER_OK) != 0 && (old & DeviceStatus.DRIVER_OK) == 0) activate();
    }

    private void activate() {
        if ((status & DeviceStatus.FEATURES_OK) == 0) {
            deviceError("driver set DRIVER_OK without FEATURES_OK");
            return;
        }
        for (Virtqueue q : queues) {
            if (q.isReady()) q.activate(memory, negotiatedFeatures);
        }
        device.activate(this);
    }

    /** §2.4 / §4.2.2: writing 0 to Status resets the device, its queues and interrupt state. */
    private void reset() {
        device.reset();
        for (Virtqueue q : queues) q.reset();
        status = 0;
        driverFeatures = 0;
        negotiatedFeatures = 0;
        deviceFeaturesSelect = driverFeaturesSelect = queueSelect = 0;
        synchronized (interruptLock) {
            needsReset = false;
            interruptStatus = 0;
            line.set(false);
        }
    }

    private void acknowledge(int bits) {
        synchronized (interruptLock) {
            interruptStatus &= ~bits;
            line.set(interruptStatus != 0);
        }
    }

    private int interruptStatus() {
        synchronized (interruptLock) {
            return interruptStatus;
        }
    }

    private void raise(int bit) {
        synchronized (interruptLock) {
            interruptStatus |= bit;
            line.set(true);
        }
    }

    // ---- VirtioContext (device I/O threads) ----

    @Override
    public GuestMemory memory() { return memory; }

    @Override
    public long features() { return negotiatedFeatures; }

    @Override
    public Virtqueue queue(int index) { return queues[index]; }

    @Override
    public void signalUsedBuffers() { raise(INTERRUPT_USED_BUFFER); }

    @Override
    public void signalConfigChange() {
        synchronized (interruptLock) {
            configGeneration++;
            interruptStatus |= INTERRUPT_CONFIG_CHANGE;
            line.set(true);
        }
    }

    @Override
    public void deviceError(String reason) {
        synchronized (interruptLock) {
            if (needsReset) return; // one line per failure, not one per bad request
            needsReset = true;
            interruptStatus |= INTERRUPT_CONFIG_CHANGE; // §2.1.2: tell the driver via a config change
            line.set(true);
        }
        LOG.log(System.Logger.Level.WARNING, "{0}: device needs reset: {1}", name, reason);
    }

    /** True while the device is in DEVICE_NEEDS_RESET (for the VMM's status and tests). */
    public boolean needsReset() { return needsReset; }

    @Override
    public void close() { device.close(); }
}
