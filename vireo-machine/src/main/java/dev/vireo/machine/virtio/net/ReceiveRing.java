package dev.vireo.machine.virtio.net;

/**
 * Frames from the network waiting for guest receive buffers: a fixed ring of preallocated
 * slots (no allocation per frame). The link's reader thread {@link #offer}s; the device's I/O
 * thread {@link #peek}s and {@link #remove}s once the head frame reached the guest. Full
 * means drop: the caller counts it.
 */
final class ReceiveRing {
    private final byte[][] slots;
    private final int[] lengths;
    private int head, count;

    ReceiveRing(int frames, int maxFrame) {
        slots = new byte[frames][maxFrame];
        lengths = new int[frames];
    }

    synchronized boolean offer(byte[] frame, int offset, int length) {
        if (count == slots.length || length > slots[0].length) return false;
        int i = (head + count) % slots.length;
        System.arraycopy(frame, offset, slots[i], 0, length);
        lengths[i] = length;
        count++;
        return true;
    }

    /** The head frame's buffer (valid until {@link #remove}), or null when empty. */
    synchronized byte[] peek() {
        return count == 0 ? null : slots[head];
    }

    synchronized int peekLength() {
        return lengths[head];
    }

    synchronized void remove() {
        head = (head + 1) % slots.length;
        count--;
    }

    synchronized void clear() {
        head = count = 0;
    }

    synchronized int size() {
        return count;
    }
}
