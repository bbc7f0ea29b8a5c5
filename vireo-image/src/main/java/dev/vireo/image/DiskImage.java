package dev.vireo.image;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A virtual disk as the guest sees it: a byte-addressed device of {@link #size()} bytes,
 * whatever the format on the host (raw, qcow2, …). Offsets and lengths are in bytes;
 * block devices use multiples of 512. Implementations are safe for use by one I/O thread
 * at a time; callers serialize.
 */
public interface DiskImage extends AutoCloseable {
    /** Virtual size in bytes. */
    long size();

    boolean readOnly();

    /** Fills {@code buffer[offset, offset+length)} from the disk at {@code position}. Unallocated ranges read as zero. */
    void read(long position, byte[] buffer, int offset, int length) throws IOException;

    void write(long position, byte[] buffer, int offset, int length) throws IOException;

    /**
     * Fills the remaining bytes of {@code into} from the disk at {@code position} (advancing
     * its position). Bulk copies use direct buffers, which formats that override this read
     * into without a copy through the Java heap.
     */
    default void read(long position, ByteBuffer into) throws IOException {
        byte[] b = new byte[into.remaining()];
        read(position, b, 0, b.length);
        into.put(b);
    }

    /** Writes the remaining bytes of {@code from} at {@code position} (advancing its position). */
    default void write(long position, ByteBuffer from) throws IOException {
        byte[] b = new byte[from.remaining()];
        from.get(b);
        write(position, b, 0, b.length);
    }

    /** Makes every completed write durable (fdatasync of data, then metadata, in order). */
    void flush() throws IOException;

    /** Deallocates the range if the format can (reads then return zero); a hint otherwise. */
    void discard(long position, long length) throws IOException;

    /** Makes the range read as zero, deallocating when {@code mayUnmap} and the format can. */
    void writeZeroes(long position, long length, boolean mayUnmap) throws IOException;

    @Override
    void close() throws IOException;
}
