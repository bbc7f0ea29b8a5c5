package dev.vireo.image.raw;

import dev.vireo.image.Syscalls;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * fallocate(2) on a file of our own: reserving space (thick images) and punching holes
 * (discard). Linux only; every method reports failure by returning {@code false} so that
 * callers fall back to writing zeros. The fd is owned by this object and never escapes.
 *
 * Also where a file's data lies ({@link #dataRanges}: lseek SEEK_DATA/SEEK_HOLE), mapping a
 * file's pages in ({@link #populate}) and its allocated size ({@link #allocatedBytes}). The
 * calls go through {@link Syscalls} (one FFM downcall for all of them).
 */
public final class FileSpace implements AutoCloseable {
    private static final int O_RDONLY = 0, O_RDWR = 2, SEEK_DATA = 3, SEEK_HOLE = 4;
    private static final int FALLOC_FL_KEEP_SIZE = 0x01, FALLOC_FL_PUNCH_HOLE = 0x02;
    private static final int MADV_POPULATE_READ = 22, PAGE = 4096;

    /**
     * Maps in the pages of {@code mapped}, part of a read-only file mapping, with one
     * madvise(MADV_POPULATE_READ) (Linux 5.14): the page tables are filled and the file read
     * where it is not cached, without one page fault per 64 KiB (fault-around) as touching the
     * pages costs. Returns false where that is unavailable (older kernels, no native access):
     * then touch them ({@link MemorySegment#load}).
     */
    public static boolean populate(MemorySegment mapped) {
        if (!Syscalls.available()) return false;
        if (mapped.byteSize() == 0) return true;
        long start = mapped.address() & -PAGE, end = mapped.address() + mapped.byteSize();
        // SAFETY: [start, end) lies in pages of the caller's live mapping (start rounded down
        // to its page); MADV_POPULATE_READ only reads them.
        return Syscalls.madvise(start, end - start, MADV_POPULATE_READ) == 0;
    }

    /**
     * Bytes the file system has allocated to {@code file} (st_blocks * 512), or the file size
     * when stat(2) is unavailable. {@code struct stat} on Linux x86-64, aarch64 and riscv64 holds
     * st_size at offset 48 and st_blocks at offset 64; st_size is compared with the file's
     * size to catch a layout we do not know.
     */
    public static long allocatedBytes(Path file) throws java.io.IOException {
        long size = java.nio.file.Files.size(file);
        if (!Syscalls.available()) return size;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(256, 8);
            if (Syscalls.stat(file, buf) != 0) return size;
            // SAFETY: buf is 256 bytes, larger than struct stat on the supported ABIs.
            if (buf.get(ValueLayout.JAVA_LONG, 48) != size) return size;
            return buf.get(ValueLayout.JAVA_LONG, 64) * 512;
        }
    }

    /**
     * The ranges of {@code [start, end)} of {@code file} that hold data, as [from, to) pairs in
     * order, from lseek(2) SEEK_DATA/SEEK_HOLE (what {@code qemu-img map} asks of raw files);
     * the rest are holes that read as zero. A file system without hole tracking reports one
     * range of data. Null when lseek is unavailable: then treat everything as data.
     */
    public static long[] dataRanges(Path file, long start, long end) {
        int fd = Syscalls.open(file, O_RDONLY);
        if (fd < 0) return null;
        try {
            // SEEK_HOLE from 0 succeeds wherever holes are understood (at worst it answers the
            // file size); failing, it means we cannot tell, not that there is no data.
            if (Syscalls.lseek(fd, 0L, SEEK_HOLE) < 0) return null;
            long[] ranges = new long[8];
            int count = 0;
            for (long position = start; position < end; ) {
                long data = Syscalls.lseek(fd, position, SEEK_DATA);
                if (data < 0 || data >= end) break; // ENXIO: only holes from here
                long hole = Syscalls.lseek(fd, data, SEEK_HOLE);
                hole = hole < 0 ? end : Math.min(hole, end);
                if (count == ranges.length) ranges = java.util.Arrays.copyOf(ranges, count * 2);
                ranges[count++] = data;
                ranges[count++] = hole;
                position = hole;
            }
            return java.util.Arrays.copyOf(ranges, count);
        } finally {
            Syscalls.close(fd); // a read-only descriptor used for lseek: nothing to lose if it fails
        }
    }

    private int fd = -1;

    private FileSpace(int fd) { this.fd = fd; }

    /** Opens {@code file} for fallocate, or returns null when fallocate is unavailable. */
    public static FileSpace open(Path file) {
        int fd = Syscalls.open(file, O_RDWR);
        return fd < 0 ? null : new FileSpace(fd);
    }

    /** Deallocates {@code [offset, offset+length)}; the range then reads as zero. */
    public boolean punchHole(long offset, long length) {
        return call(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, length);
    }

    /** Reserves blocks for {@code [offset, offset+length)}, extending the file if needed. */
    public boolean allocate(long offset, long length) {
        return call(0, offset, length);
    }

    private boolean call(int mode, long offset, long length) {
        if (fd < 0 || length <= 0) return length <= 0;
        return Syscalls.fallocate(fd, mode, offset, length) == 0;
    }

    @Override
    public void close() {
        if (fd < 0) return;
        Syscalls.close(fd); // failing on a descriptor only used for fallocate, it loses nothing
        fd = -1;
    }
}
