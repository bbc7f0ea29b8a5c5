package dev.vireo.machine.memory;

import dev.vireo.machine.nativeio.LibC;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Guest RAM: one contiguous range of guest physical addresses [base, base + size) backed by
 * a memfd mapped MAP_SHARED (DESIGN.md §4), so KVM can register the same mapping, KSM and the
 * balloon can madvise it, and a snapshot can read the memfd.
 *
 * <p>All accessors take guest physical addresses, are little-endian (RISC-V and x86 are), and
 * check bounds: an address outside RAM throws {@link GuestMemoryException}. The CPU's hot path
 * uses {@link #segment()} directly with offsets it has already checked.
 *
 * <p>Thread-safety: plain accesses from any thread; ordering between harts follows the
 * guest's fences, which the CPU maps to Java fences.
 */
public final class GuestMemory implements AutoCloseable {
    public static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
    public static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final long base;
    private final long size;
    private final int fd;
    private final MemorySegment segment;
    private volatile boolean closed;

    private GuestMemory(long base, long size, int fd, MemorySegment segment) {
        this.base = base;
        this.size = size;
        this.fd = fd;
        this.segment = segment;
    }

    /** Allocates {@code size} bytes of zeroed guest RAM at guest physical address {@code base}. */
    public static GuestMemory allocate(long base, long size) {
        if (size <= 0 || (size & 0xFFF) != 0) {
            throw new IllegalArgumentException("guest RAM size must be a positive multiple of 4 KiB, got " + size);
        }
        int fd = LibC.memfdCreate("vireo-guest-ram", size);
        MemorySegment address = LibC.mmapShared(fd, size);
        // SAFETY: mmap returned a mapping of exactly `size` bytes that lives until close().
        MemorySegment segment = address.reinterpret(size);
        return new GuestMemory(base, size, fd, segment);
    }

    public long base() { return base; }

    public long size() { return size; }

    /** Past-the-end guest physical address. */
    public long end() { return base + size; }

    /** The memfd behind RAM (owned by this object; do not close). */
    public int fd() { return fd; }

    /** The whole of RAM; offset 0 is guest physical address {@link #base()}. */
    public MemorySegment segment() { return segment; }

    /** True if [address, address + length) lies inside RAM. */
    public boolean contains(long address, long length) {
        long offset = address - base;
        return length >= 0 && offset >= 0 && offset <= size - length;
    }

    /** Offset of {@code address} into {@link #segment()}, after checking [address, +length) is RAM. */
    public long offset(long address, long length) {
        if (!contains(address, length)) throw new GuestMemoryException(address, length);
        return address - base;
    }

    public byte readByte(long address) { return segment.get(BYTE, offset(address, 1)); }

    public short readShort(long address) { return segment.get(SHORT, offset(address, 2)); }

    public int readInt(long address) { return segment.get(INT, offset(address, 4)); }

    public long readLong(long address) { return segment.get(LONG, offset(address, 8)); }

    public void writeByte(long address, byte value) { segment.set(BYTE, offset(address, 1), value); }

    public void writeShort(long address, short value) { segment.set(SHORT, offset(address, 2), value); }

    public void writeInt(long address, int value) { segment.set(INT, offset(address, 4), value); }

    public void writeLong(long address, long value) { segment.set(LONG, offset(address, 8), value); }

    public void read(long address, byte[] destination, int destinationOffset, int length) {
        MemorySegment.copy(segment, BYTE, offset(address, length), destination, destinationOffset, length);
    }

    public void write(long address, byte[] source, int sourceOffset, int length) {
        MemorySegment.copy(source, sourceOffset, segment, BYTE, offset(address, length), length);
    }

    public void write(long address, byte[] source) { write(address, source, 0, source.length); }

    /** A view of [address, address + length) of RAM, bounds-checked once. */
    public MemorySegment slice(long address, long length) {
        return segment.asSlice(offset(address, length), length);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        LibC.munmap(segment, size);
        LibC.close(fd);
    }
}
