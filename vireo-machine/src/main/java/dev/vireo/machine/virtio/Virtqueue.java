package dev.vireo.machine.virtio;

import dev.vireo.machine.memory.GuestMemory;

import java.lang.invoke.VarHandle;

/**
 * The device side of one split virtqueue (virtio 1.2 §2.7), over guest memory:
 *
 * <pre>
 * descriptor table  16 × size, align 16   { le64 addr; le32 len; le16 flags; le16 next }
 * driver (avail)    6 + 2 × size, align 2  { le16 flags; le16 idx; le16 ring[size]; le16 used_event }
 * device (used)     6 + 8 × size, align 4  { le16 flags; le16 idx; {le32 id; le32 len} ring[size]; le16 avail_event }
 * </pre>
 *
 * <p>The guest is hostile: {@link #pop} validates every chain it returns (§2.7.5 loops and
 * chain length, §2.7.5.3 indirect rules, §2.7.4.2 readable-before-writable order, buffers
 * inside RAM, byte totals) and every avail index (§2.7.6: it may run at most {@code size}
 * ahead of what the device consumed). Violations throw {@link VirtqueueException}, which the
 * device turns into DEVICE_NEEDS_RESET.
 *
 * <p>Threads: the transport configures the queue on a vCPU thread while it is not ready;
 * once the device is activated only the device's I/O thread touches it (activation and reset
 * hand over under the device's worker lock, which orders the two).
 */
public final class Virtqueue {
    static final int DESC_F_NEXT = 1, DESC_F_WRITE = 2, DESC_F_INDIRECT = 4;
    /** §2.7.7: driver asks for no used-buffer interrupts (ignored under EVENT_IDX). */
    static final int AVAIL_F_NO_INTERRUPT = 1;
    /** §2.7.10: device asks for no available-buffer notifications (ignored under EVENT_IDX). */
    static final int USED_F_NO_NOTIFY = 1;
    private static final int DESCRIPTOR_SIZE = 16;

    private final int index;
    private final int maxSize;

    // Driver-written configuration (§4.2.2 QueueNum, QueueDesc, QueueDriver, QueueDevice, QueueReady).
    private int size;
    private long descriptorTable;
    private long availRing;
    private long usedRing;
    private boolean ready;

    // Runtime state, owned by the device's I/O thread after activation.
    private GuestMemory memory;
    private boolean eventIndex;
    private boolean indirect;
    private int lastAvailIndex;   // u16: next avail ring slot to consume
    private int usedIndex;        // u16: next used ring slot to fill
    private int signalledUsed;    // u16: used index at the last interrupt decision (§2.7.10)

    public Virtqueue(int index, int maxSize) {
        if (maxSize <= 0 || maxSize > 32768 || Integer.bitCount(maxSize) != 1) {
            throw new IllegalArgumentException("queue size must be a power of two ≤ 32768, got " + maxSize);
        }
        this.index = index;
        this.maxSize = maxSize;
        reset();
    }

    public int index() { return index; }

    public int maxSize() { return maxSize; }

    public int size() { return size; }

    public boolean isReady() { return ready; }

    public long descriptorTable() { return descriptorTable; }

    public long availRing() { return availRing; }

    public long usedRing() { return usedRing; }

    /** §2.4: a reset queue is not ready, has no addresses and starts from index 0. */
    public void reset() {
        size = maxSize;
        descriptorTable = availRing = usedRing = 0;
        ready = false;
        memory = null;
        lastAvailIndex = usedIndex = signalledUsed = 0;
    }

    public void setSize(int size) { this.size = size; }

    public void setDescriptorTable(long address) { descriptorTable = address; }

    public void setAvailRing(long address) { availRing = address; }

    public void setUsedRing(long address) { usedRing = address; }

    public void setReady(boolean ready) { this.ready = ready; }

    /**
     * Checks what the driver configured (§2.7: size a power of two no larger than the maximum;
     * §2.7 table "Virtqueue Part Alignment"; every part inside RAM).
     *
     * @return null if usable, else why not
     */
    public String validateLayout(GuestMemory memory) {
        if (size <= 0 || size > maxSize || Integer.bitCount(size) != 1) {
            return "queue " + index + ": size " + size + " is not a power of two in [1, " + maxSize + "]";
        }
        if ((descriptorTable & 15) != 0 || (availRing & 1) != 0 || (usedRing & 3) != 0) {
            return "queue " + index + ": misaligned ring (desc/avail/used must be 16/2/4-aligned)";
        }
        if (!memory.contains(descriptorTable, (long) DESCRIPTOR_SIZE * size)
                || !memory.contains(availRing, 6L + 2L * size)
                || !memory.contains(usedRing, 6L + 8L * size)) {
            return String.format("queue %d: ring outside RAM (desc 0x%x, avail 0x%x, used 0x%x, size %d)",
                    index, descriptorTable, availRing, usedRing, size);
        }
        return null;
    }

    /** Binds the queue to memory and the negotiated features (device activation, §3.1.1 step 8). */
    public void activate(GuestMemory memory, long features) {
        this.memory = memory;
        this.eventIndex = VirtioFeatures.has(features, VirtioFeatures.EVENT_IDX);
        this.indirect = VirtioFeatures.has(features, VirtioFeatures.INDIRECT_DESC);
        lastAvailIndex = usedIndex = signalledUsed = 0;
    }

    /**
     * Takes the next available chain into {@code chain}, validated.
     *
     * @return false if the driver has made nothing new available
     * @throws VirtqueueException if the avail index or the chain is malformed
     */
    public boolean pop(DescriptorChain chain) throws VirtqueueException {
        int availIndex = memory.readShort(availRing + 2) & 0xFFFF;
        // §2.7.13.3: read ring entries only after the index that publishes them.
        VarHandle.acquireFence();
        int pending = (availIndex - lastAvailIndex) & 0xFFFF;
        if (pending == 0) return false;
        if (pending > size) {
            throw new VirtqueueException(String.format(
                    "queue %d: avail idx %d is %d ahead of the device's %d (queue size %d)",
                    index, availIndex, pending, lastAvailIndex, size));
        }
        int head = memory.readShort(availRing + 4 + 2L * (lastAvailIndex & (size - 1))) & 0xFFFF;
        lastAvailIndex = (lastAvailIndex + 1) & 0xFFFF;
        walk(head, chain);
        return true;
    }

    /** Follows a chain from {@code head}, resolving one level of indirection (§2.7.5.3). */
    private void walk(int head, DescriptorChain chain) throws VirtqueueException {
        if (head >= size) throw bad("head descriptor %d out of range", head);
        if (chain.capacity() < size) throw new IllegalStateException("chain capacity below queue size");
        chain.clear(head);
        long table = descriptorTable;
        int tableSize = size;
        boolean inIndirect = false;
        int i = head;
        while (true) {
            long d = table + (long) DESCRIPTOR_SIZE * i;
            long address = memory.readLong(d);
            long length = Integer.toUnsignedLong(memory.readInt(d + 8));
            int flags = memory.readShort(d + 12) & 0xFFFF;
            int next = memory.readShort(d + 14) & 0xFFFF;
            if ((flags & DESC_F_INDIRECT) != 0) {
                if (!indirect) throw bad("indirect descriptor %d without VIRTIO_F_INDIRECT_DESC", i);
                if (inIndirect) throw bad("indirect descriptor inside an indirect table");
                if ((flags & DESC_F_NEXT) != 0) throw bad("descriptor %d has both INDIRECT and NEXT", i);
                if (length == 0 || length % DESCRIPTOR_SIZE != 0) {
                    throw bad("indirect table length %d is not a non-zero multiple of 16", length);
                }
                if (!memory.contains(address, length)) throw bad("indirect table 0x%x+%d outside RAM", address, length);
                table = address;
                tableSize = (int) Math.min(length / DESCRIPTOR_SIZE, Integer.MAX_VALUE);
                inIndirect = true;
                i = 0;
                continue;
            }
            // §2.7.5.3.1: no chain (direct or indirect) longer than the queue size; this bound
            // is also what catches loops, since a loop never ends.
            if (chain.count() >= size) throw bad("chain from head %d is longer than the queue size %d (loop?)", head, size);
            if (!memory.contains(address, length)) throw bad("buffer 0x%x+%d outside RAM", address, length);
            boolean writable = (flags & DESC_F_WRITE) != 0;
            if (!writable && chain.hasWritable()) throw bad("device-readable buffer after a device-writable one");
            long total = (writable ? chain.writableTotal() : chain.readableTotal()) + length;
            if (total > DescriptorChain.MAX_BYTES) throw bad("chain from head %d carries more than 2 GiB", head);
            chain.add(address, (int) length, writable);
            if ((flags & DESC_F_NEXT) == 0) return;
            if (next >= tableSize) throw bad("next descriptor %d out of range %d", next, tableSize);
            i = next;
        }
    }

    private VirtqueueException bad(String format, Object... args) {
        return new VirtqueueException("queue " + index + ": " + String.format(format, args));
    }

    /** Returns a chain to the driver: used ring entry {head, written bytes}, then the index (§2.7.8). */
    public void addUsed(int head, int writtenBytes) {
        long entry = usedRing + 4 + 8L * (usedIndex & (size - 1));
        memory.writeInt(entry, head);
        memory.writeInt(entry + 4, writtenBytes);
        // §2.7.13.3 mirrored: the entry must be visible before the index that publishes it.
        VarHandle.releaseFence();
        usedIndex = (usedIndex + 1) & 0xFFFF;
        memory.writeShort(usedRing + 2, (short) usedIndex);
    }

    /**
     * Whether the driver wants a used-buffer interrupt for what was added since the last call
     * (§2.7.10): with EVENT_IDX, iff used_event lies in (last signalled, current]; otherwise
     * unless the driver set VIRTQ_AVAIL_F_NO_INTERRUPT.
     */
    public boolean needsInterrupt() {
        // The used idx store must be visible before we read the driver's suppression state,
        // or we could miss an interrupt the driver just asked for.
        VarHandle.fullFence();
        if (eventIndex) {
            int usedEvent = memory.readShort(availRing + 4 + 2L * size) & 0xFFFF;
            int old = signalledUsed;
            signalledUsed = usedIndex;
            return needsEvent(usedEvent, usedIndex, old);
        }
        return (memory.readShort(availRing) & AVAIL_F_NO_INTERRUPT) == 0;
    }

    /** §2.7.10 (vring_need_event): true iff {@code event} is in the window (old, new]. */
    public static boolean needsEvent(int event, int newIndex, int oldIndex) {
        return ((newIndex - event - 1) & 0xFFFF) < ((newIndex - oldIndex) & 0xFFFF);
    }

    /** While draining, ask the driver not to notify (§2.7.10; a no-op under EVENT_IDX, see below). */
    public void disableNotifications() {
        // Under EVENT_IDX avail_event still names an index we have already passed, so the
        // driver's vring_need_event check suppresses kicks without a write.
        if (!eventIndex) memory.writeShort(usedRing, (short) USED_F_NO_NOTIFY);
    }

    /**
     * Re-enables driver notifications before the I/O thread sleeps and reports whether new work
     * raced in (then the caller must drain again instead of sleeping).
     */
    public boolean enableNotifications() {
        if (eventIndex) {
            memory.writeShort(usedRing + 4 + 8L * size, (short) lastAvailIndex);
        } else {
            memory.writeShort(usedRing, (short) 0);
        }
        // Publish avail_event / flags before re-reading avail idx (the driver does the mirror image).
        VarHandle.fullFence();
        return (memory.readShort(availRing + 2) & 0xFFFF) != lastAvailIndex;
    }

    /** Index of the next avail ring slot the device will consume (for state and tests). */
    public int lastAvailIndex() { return lastAvailIndex; }

    public int usedIndex() { return usedIndex; }
}
