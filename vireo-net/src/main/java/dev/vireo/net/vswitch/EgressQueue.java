package dev.vireo.net.vswitch;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded ring of preallocated frame slots drained by one named thread into a
 * {@link FrameSink}. The switch copies a frame in (adding or removing the 802.1Q tag on the
 * way) and never waits: when the ring is full the frame is dropped and counted, so a slow or
 * flooded receiver costs at most {@code slots × slotSize} bytes of memory, never more.
 *
 * <p>Threads: {@link #offer} from the switch (under its lock); the drain thread owns the
 * sink. A slot is reused only after its frame has been written.
 */
final class EgressQueue implements AutoCloseable {
    private final byte[][] slots;
    private final int[] lengths;
    private final FrameSink sink;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Thread thread;
    private final AtomicLong sentFrames = new AtomicLong(), sentBytes = new AtomicLong();
    private final AtomicLong fullDrops = new AtomicLong(), sinkErrors = new AtomicLong();
    private int head, count; // guarded by lock
    private volatile boolean closed;

    EgressQueue(String threadName, int slotCount, int slotSize, FrameSink sink) {
        this.slots = new byte[slotCount][slotSize];
        this.lengths = new int[slotCount];
        this.sink = sink;
        this.thread = Thread.ofPlatform().name(threadName).daemon(true).start(this::drain);
    }

    /**
     * Copies a frame into the next free slot. {@code sourceTagged} says whether bytes 12..16
     * hold an 802.1Q tag; {@code tag} is the VLAN to tag the copy with (-1 = untagged).
     * Returns false (and counts) when the ring is full or the queue closed.
     */
    boolean offer(byte[] frame, int offset, int length, boolean sourceTagged, int tag, int priority) {
        lock.lock();
        try {
            if (closed || count == slots.length) {
                fullDrops.incrementAndGet();
                return false;
            }
            int index = (head + count) % slots.length;
            byte[] slot = slots[index];
            int n;
            if (sourceTagged && tag < 0) {               // strip the tag
                System.arraycopy(frame, offset, slot, 0, 12);
                System.arraycopy(frame, offset + 16, slot, 12, length - 16);
                n = length - 4;
            } else if (!sourceTagged && tag >= 0) {      // insert a tag
                System.arraycopy(frame, offset, slot, 0, 12);
                slot[12] = (byte) 0x81;
                slot[13] = 0;
                System.arraycopy(frame, offset + 12, slot, 16, length - 12);
                n = length + 4;
            } else {                                     // copy; rewrite the VLAN ID if tagged
                System.arraycopy(frame, offset, slot, 0, length);
                n = length;
            }
            if (tag >= 0) {
                int tci = (priority << 13) | tag;
                slot[14] = (byte) (tci >>> 8);
                slot[15] = (byte) tci;
            }
            lengths[index] = n;
            count++;
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void drain() {
        while (true) {
            int index;
            lock.lock();
            try {
                while (count == 0 && !closed) notEmpty.awaitUninterruptibly();
                if (count == 0) return; // closed and drained
                index = head;
            } finally {
                lock.unlock();
            }
            // The slot stays ours until head advances: offer() never writes an occupied slot.
            try {
                sink.send(slots[index], 0, lengths[index]);
                sentFrames.incrementAndGet();
                sentBytes.addAndGet(lengths[index]);
            } catch (IOException | RuntimeException e) {
                sinkErrors.incrementAndGet();
            }
            lock.lock();
            try {
                head = (head + 1) % slots.length;
                count--;
            } finally {
                lock.unlock();
            }
        }
    }

    /** Frames waiting; for tests and stats. */
    int depth() {
        lock.lock();
        try {
            return count;
        } finally {
            lock.unlock();
        }
    }

    long sentFrames() { return sentFrames.get(); }
    long sentBytes() { return sentBytes.get(); }
    long fullDrops() { return fullDrops.get(); }
    long sinkErrors() { return sinkErrors.get(); }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
