package dev.vireo.machine.virtio;

import dev.vireo.machine.memory.GuestMemory;

/**
 * One validated descriptor chain (virtio 1.2 §2.7.5), flattened: indirect tables resolved,
 * device-readable buffers first, then device-writable ones (the order §2.7.4.2 requires
 * of the driver and {@link Virtqueue#pop} checks). Every buffer has been checked to lie
 * inside guest RAM, and the byte totals fit in an {@code int}.
 *
 * <p>Reused from request to request (no allocation on the hot path): the owning I/O thread
 * fills it with {@link Virtqueue#pop} and reads it before the next pop.
 *
 * <p>Offsets in the accessors are logical: {@code read*} methods address the concatenation
 * of the readable buffers, {@code write*} methods the concatenation of the writable ones.
 */
public final class DescriptorChain {
    /** Upper bound on either byte total of a chain; keeps all arithmetic in {@code int}. */
    static final long MAX_BYTES = Integer.MAX_VALUE;

    private final long[] addresses;
    private final int[] lengths;
    private int count;
    private int readableCount;
    private int head;
    private long readableBytes;
    private long writableBytes;

    public DescriptorChain(int capacity) {
        addresses = new long[capacity];
        lengths = new int[capacity];
    }

    void clear(int headIndex) {
        head = headIndex;
        count = 0;
        readableCount = 0;
        readableBytes = 0;
        writableBytes = 0;
    }

    int capacity() { return addresses.length; }

    /** Appends a buffer; the caller has checked bounds, order, capacity and totals. */
    void add(long address, int length, boolean writable) {
        addresses[count] = address;
        lengths[count] = length;
        count++;
        if (writable) {
            writableBytes += Integer.toUnsignedLong(length);
        } else {
            readableCount++;
            readableBytes += Integer.toUnsignedLong(length);
        }
    }

    boolean hasWritable() { return count > readableCount; }

    long readableTotal() { return readableBytes; }

    long writableTotal() { return writableBytes; }

    /** Index of the chain's head descriptor: the id returned in the used ring (§2.7.8). */
    public int head() { return head; }

    /** Number of buffers (descriptors, indirect ones resolved). */
    public int count() { return count; }

    public int readableCount() { return readableCount; }

    public long address(int i) { return addresses[i]; }

    public int length(int i) { return lengths[i]; }

    public boolean isWritable(int i) { return i >= readableCount; }

    /** Total bytes the device may read. */
    public int readableBytes() { return (int) readableBytes; }

    /** Total bytes the device may write. */
    public int writableBytes() { return (int) writableBytes; }

    /**
     * Copies readable bytes [offset, offset + length) into {@code destination}.
     *
     * @throws IndexOutOfBoundsException if the range exceeds {@link #readableBytes()} (a device bug, not a guest one)
     */
    public void read(GuestMemory memory, int offset, byte[] destination, int destinationOffset, int length) {
        checkRange(offset, length, readableBytes);
        forEachSegment(0, offset, length, (address, done, n) -> memory.read(address, destination, destinationOffset + done, n));
    }

    /** Copies {@code source} into writable bytes [offset, offset + length). */
    public void write(GuestMemory memory, int offset, byte[] source, int sourceOffset, int length) {
        checkRange(offset, length, writableBytes);
        forEachSegment(readableCount, offset, length, (address, done, n) -> memory.write(address, source, sourceOffset + done, n));
    }

    /** One piece of a copy: {@code length} bytes at guest {@code address}, {@code done} bytes into the copy. */
    private interface SegmentCopy {
        void copy(long address, int done, int length);
    }

    /** Splits bytes [offset, offset + length) of the buffers from index {@code first} on into their guest ranges. */
    private void forEachSegment(int first, int offset, int length, SegmentCopy copy) {
        int done = 0;
        for (int i = first; done < length; i++) {
            int segment = lengths[i];
            if (offset >= segment) {
                offset -= segment;
                continue;
            }
            int n = Math.min(segment - offset, length - done);
            copy.copy(addresses[i] + offset, done, n);
            done += n;
            offset = 0;
        }
    }

    /** Reads a little-endian value of {@code size} bytes (≤ 8) at readable {@code offset}. */
    public long readLittleEndian(GuestMemory memory, int offset, int size) {
        checkRange(offset, size, readableBytes);
        // Fast path: request headers almost always sit whole in one buffer.
        int first = offset;
        for (int i = 0; i < readableCount; i++) {
            if (first < lengths[i]) {
                if (first + size <= lengths[i]) {
                    long at = addresses[i] + first;
                    switch (size) {
                        case 8: return memory.readLong(at);
                        case 4: return Integer.toUnsignedLong(memory.readInt(at));
                        case 2: return memory.readShort(at) & 0xFFFFL;
                        case 1: return memory.readByte(at) & 0xFFL;
                        default: break;
                    }
                }
                break;
            }
            first -= lengths[i];
        }
        long value = 0;
        for (int b = 0; b < size; b++) {
            value |= (readableByte(memory, offset + b) & 0xFFL) << (8 * b);
        }
        return value;
    }

    private byte readableByte(GuestMemory memory, int offset) {
        for (int i = 0; ; i++) {
            if (offset < lengths[i]) return memory.readByte(addresses[i] + offset);
            offset -= lengths[i];
        }
    }

    /** Writes one byte at writable {@code offset} (a status byte, typically the last one). */
    public void writeByte(GuestMemory memory, int offset, byte value) {
        checkRange(offset, 1, writableBytes);
        for (int i = readableCount; ; i++) {
            if (offset < lengths[i]) {
                memory.writeByte(addresses[i] + offset, value);
                return;
            }
            offset -= lengths[i];
        }
    }

    private static void checkRange(int offset, int length, long total) {
        if (offset < 0 || length < 0 || (long) offset + length > total) {
            throw new IndexOutOfBoundsException("chain range " + offset + "+" + length + " exceeds " + total);
        }
    }
}
