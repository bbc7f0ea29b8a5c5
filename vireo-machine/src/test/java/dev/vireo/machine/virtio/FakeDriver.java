package dev.vireo.machine.virtio;

import dev.vireo.machine.memory.GuestMemory;
import dev.vireo.machine.virtio.mmio.VirtioMmioTransport;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * A test-side virtio driver that does what Linux's virtio_mmio + virtio_ring do (virtio 1.2
 * §3.1.1, §2.7.13): negotiates features and sets up queues through the MMIO registers, lays out
 * split rings in guest memory, posts chains and reads the used ring. Guest memory for rings and
 * buffers comes from a bump allocator over [area, area + areaSize).
 */
public final class FakeDriver {
    public record Buffer(long address, int length, boolean writable) {
        public static Buffer in(long address, int length) { return new Buffer(address, length, false); }

        public static Buffer out(long address, int length) { return new Buffer(address, length, true); }
    }

    public record Used(int id, int length) {}

    private final VirtioMmioTransport transport;
    private final GuestMemory memory;
    private long next;
    private final long limit;

    public FakeDriver(VirtioMmioTransport transport, GuestMemory memory, long area, long areaSize) {
        this.transport = transport;
        this.memory = memory;
        this.next = area;
        this.limit = area + areaSize;
    }

    public FakeDriver(VirtioMmioTransport transport, GuestMemory memory) {
        this(transport, memory, memory.base(), memory.size());
    }

    public GuestMemory memory() { return memory; }

    public VirtioMmioTransport transport() { return transport; }

    public long alloc(long bytes, int align) {
        long a = (next + align - 1) & -(long) align;
        if (a + bytes > limit) throw new IllegalStateException("fake driver out of guest memory");
        next = a + bytes;
        memory.slice(a, bytes).fill((byte) 0);
        return a;
    }

    public int reg(int offset) { return (int) transport.read(offset, 4); }

    public void reg(int offset, int value) { transport.write(offset, 4, Integer.toUnsignedLong(value)); }

    public int status() { return reg(0x070); }

    public long deviceFeatures() {
        reg(0x014, 0);
        long low = Integer.toUnsignedLong(reg(0x010));
        reg(0x014, 1);
        return low | ((long) reg(0x010) << 32);
    }

    /** §3.1.1 steps 1–6; returns whether the device accepted the features (FEATURES_OK stuck). */
    public boolean negotiate(long features) {
        reg(0x070, 0);
        reg(0x070, DeviceStatus.ACKNOWLEDGE);
        reg(0x070, DeviceStatus.ACKNOWLEDGE | DeviceStatus.DRIVER);
        reg(0x024, 0);
        reg(0x020, (int) features);
        reg(0x024, 1);
        reg(0x020, (int) (features >>> 32));
        reg(0x070, DeviceStatus.ACKNOWLEDGE | DeviceStatus.DRIVER | DeviceStatus.FEATURES_OK);
        return (status() & DeviceStatus.FEATURES_OK) != 0;
    }

    /** Negotiates everything the device offers. */
    public long negotiateAll() {
        long f = deviceFeatures();
        if (!negotiate(f)) throw new AssertionError("device refused its own features");
        return f;
    }

    /** §4.2.3.2: selects a queue, checks it is free, sizes it, writes the three addresses, enables it. */
    public Queue setupQueue(int index, int size, boolean eventIdx) {
        reg(0x030, index);
        if (reg(0x044) != 0) throw new AssertionError("queue already ready");
        int max = reg(0x034);
        if (max == 0 || size > max) throw new AssertionError("queue " + index + " max " + max);
        long desc = alloc(16L * size, 16);
        long avail = alloc(6L + 2L * size, 2);
        long used = alloc(6L + 8L * size, 4);
        reg(0x038, size);
        reg(0x080, (int) desc);
        reg(0x084, (int) (desc >>> 32));
        reg(0x090, (int) avail);
        reg(0x094, (int) (avail >>> 32));
        reg(0x0a0, (int) used);
        reg(0x0a4, (int) (used >>> 32));
        reg(0x044, 1);
        return new Queue(index, size, desc, avail, used, eventIdx);
    }

    public void driverOk() {
        reg(0x070, DeviceStatus.ACKNOWLEDGE | DeviceStatus.DRIVER | DeviceStatus.FEATURES_OK | DeviceStatus.DRIVER_OK);
    }

    /** Reads and acknowledges the interrupt status, as the guest's interrupt handler does. */
    public int acknowledgeInterrupts() {
        int s = reg(0x060);
        reg(0x064, s);
        return s;
    }

    public static void await(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + timeout);
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /** The driver's view of one split virtqueue. */
    public final class Queue {
        public final int index, size;
        public final long desc, avail, used;
        private final boolean eventIdx;
        private int nextDescriptor;
        private int availIdx;
        private int lastUsedIdx;

        Queue(int index, int size, long desc, long avail, long used, boolean eventIdx) {
            this.index = index;
            this.size = size;
            this.desc = desc;
            this.avail = avail;
            this.used = used;
            this.eventIdx = eventIdx;
        }

        public void writeDescriptor(int i, long address, int length, int flags, int next) {
            long d = desc + 16L * i;
            memory.writeLong(d, address);
            memory.writeInt(d + 8, length);
            memory.writeShort(d + 12, (short) flags);
            memory.writeShort(d + 14, (short) next);
        }

        /** Posts a direct chain (descriptors allocated round-robin); returns its head without kicking. */
        public int post(Buffer... buffers) {
            int head = nextDescriptor;
            for (int k = 0; k < buffers.length; k++) {
                int i = (head + k) % size;
                Buffer b = buffers[k];
                int flags = (b.writable() ? Virtqueue.DESC_F_WRITE : 0) | (k + 1 < buffers.length ? Virtqueue.DESC_F_NEXT : 0);
                writeDescriptor(i, b.address(), b.length(), flags, (i + 1) % size);
            }
            nextDescriptor = (head + buffers.length) % size;
            publish(head);
            return head;
        }

        /** Posts the buffers through one indirect table (§2.7.5.3) in a single ring descriptor. */
        public int postIndirect(Buffer... buffers) {
            long table = alloc(16L * buffers.length, 16);
            for (int k = 0; k < buffers.length; k++) {
                Buffer b = buffers[k];
                long d = table + 16L * k;
                memory.writeLong(d, b.address());
                memory.writeInt(d + 8, b.length());
                int flags = (b.writable() ? Virtqueue.DESC_F_WRITE : 0) | (k + 1 < buffers.length ? Virtqueue.DESC_F_NEXT : 0);
                memory.writeShort(d + 12, (short) flags);
                memory.writeShort(d + 14, (short) (k + 1));
            }
            int head = nextDescriptor;
            writeDescriptor(head, table, 16 * buffers.length, Virtqueue.DESC_F_INDIRECT, 0);
            nextDescriptor = (head + 1) % size;
            publish(head);
            return head;
        }

        /** Puts {@code head} in the avail ring and publishes the new index (§2.7.13.2–3). */
        public void publish(int head) {
            memory.writeShort(avail + 4 + 2L * (availIdx % size), (short) head);
            availIdx = (availIdx + 1) & 0xFFFF;
            memory.writeShort(avail + 2, (short) availIdx);
        }

        /** Writes a raw avail idx (hostile tests). */
        public void setAvailIdx(int idx) {
            availIdx = idx & 0xFFFF;
            memory.writeShort(avail + 2, (short) availIdx);
        }

        public int availIdx() { return availIdx; }

        /** Kicks the device if it wants to be kicked (§2.7.13.4 with EVENT_IDX or NO_NOTIFY). */
        public boolean kickIfNeeded(int oldAvailIdx) {
            boolean kick;
            // The driver's virtio_mb(): the new avail idx must be visible before we read the
            // device's suppression state, mirroring Virtqueue.enableNotifications.
            java.lang.invoke.VarHandle.fullFence();
            if (eventIdx) {
                int availEvent = memory.readShort(used + 4 + 8L * size) & 0xFFFF;
                kick = Virtqueue.needsEvent(availEvent, availIdx, oldAvailIdx);
            } else {
                kick = (memory.readShort(used) & Virtqueue.USED_F_NO_NOTIFY) == 0;
            }
            if (kick) kick();
            return kick;
        }

        public void kick() { reg(0x050, index); }

        public int usedIdx() { return memory.readShort(used + 2) & 0xFFFF; }

        public boolean hasUsed() { return usedIdx() != lastUsedIdx; }

        /** Waits for the next used element and consumes it. */
        public Used awaitUsed() {
            FakeDriver.await(this::hasUsed, Duration.ofSeconds(10));
            long e = used + 4 + 8L * (lastUsedIdx % size);
            Used u = new Used(memory.readInt(e), memory.readInt(e + 4));
            lastUsedIdx = (lastUsedIdx + 1) & 0xFFFF;
            return u;
        }

        /** §2.7.10: ask for an interrupt only once the used index passes {@code idx}. */
        public void setUsedEvent(int idx) { memory.writeShort(avail + 4 + 2L * size, (short) idx); }

        public void setAvailFlags(int flags) { memory.writeShort(avail, (short) flags); }
    }
}
