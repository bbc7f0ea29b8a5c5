package dev.vireo.image.raw;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * fallocate(2) on a file of our own, through FFM: reserving space (thick images) and punching
 * holes (discard). Linux only; every method reports failure by returning {@code false} so that
 * callers fall back to writing zeros. The fd is owned by this object and never escapes.
 *
 * Also where a file's data lies ({@link #dataRanges}: lseek SEEK_DATA/SEEK_HOLE).
 *
 * <pre>int open(const char *path, int flags);
 * int fallocate(int fd, int mode, off_t offset, off_t len);
 * off_t lseek(int fd, off_t offset, int whence);
 * int madvise(void *addr, size_t length, int advice);
 * int close(int fd);</pre>
 */
public final class FileSpace implements AutoCloseable {
    private static final int O_RDONLY = 0, O_RDWR = 2, SEEK_DATA = 3, SEEK_HOLE = 4;
    private static final int FALLOC_FL_KEEP_SIZE = 0x01, FALLOC_FL_PUNCH_HOLE = 0x02;
    private static final int MADV_POPULATE_READ = 22, PAGE = 4096;

    /**
     * The downcalls, linked on first use: linking costs tens of milliseconds of start-up
     * (stub generation), which commands that never call fallocate should not pay.
     */
    private static final class Calls {
        static final MethodHandle OPEN = link("open", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        static final MethodHandle FALLOCATE = link("fallocate", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
        static final MethodHandle CLOSE = link("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    private static final class Seek {
        static final MethodHandle LSEEK = link("lseek", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    }

    private static final class Madvise {
        static final MethodHandle MADVISE = link("madvise", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    }

    private static final class Stat {
        static final MethodHandle STAT = link("stat", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    }

    /** A libc function, or null when not on Linux or native access is denied: callers fall back to plain I/O. */
    private static MethodHandle link(String name, FunctionDescriptor descriptor) {
        try {
            Linker linker = Linker.nativeLinker();
            return linker.downcallHandle(linker.defaultLookup().find(name).orElseThrow(), descriptor);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /**
     * Maps in the pages of {@code mapped}, part of a read-only file mapping, with one
     * madvise(MADV_POPULATE_READ) (Linux 5.14): the page tables are filled and the file read
     * where it is not cached, without one page fault per 64 KiB (fault-around) as touching the
     * pages costs. Returns false where that is unavailable (older kernels, no native access):
     * then touch them ({@link MemorySegment#load}).
     */
    public static boolean populate(MemorySegment mapped) {
        MethodHandle madvise = Madvise.MADVISE;
        if (madvise == null || mapped.byteSize() == 0) return madvise != null;
        long start = mapped.address() & -PAGE, end = mapped.address() + mapped.byteSize();
        try {
            // SAFETY: [start, end) lies in pages of the caller's live mapping (start rounded down
            // to its page); MADV_POPULATE_READ only reads them.
            return (int) madvise.invokeExact(MemorySegment.ofAddress(start), end - start, MADV_POPULATE_READ) == 0;
        } catch (Throwable t) {
            return false;
        }
    }

    /**
     * Bytes the file system has allocated to {@code file} (st_blocks * 512), or the file size
     * when stat(2) is unavailable. {@code struct stat} on Linux x86-64 and aarch64 both hold
     * st_size at offset 48 and st_blocks at offset 64; st_size is compared with the file's
     * size to catch a layout we do not know.
     */
    public static long allocatedBytes(Path file) throws java.io.IOException {
        long size = java.nio.file.Files.size(file);
        MethodHandle stat = Stat.STAT;
        if (stat == null) return size;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom(file.toAbsolutePath().toString());
            MemorySegment buf = arena.allocate(256, 8);
            if ((int) stat.invokeExact(path, buf) != 0) return size;
            // SAFETY: buf is 256 bytes, larger than struct stat on the supported ABIs.
            if (buf.get(ValueLayout.JAVA_LONG, 48) != size) return size;
            return buf.get(ValueLayout.JAVA_LONG, 64) * 512;
        } catch (Throwable t) {
            return size;
        }
    }

    /**
     * The ranges of {@code [start, end)} of {@code file} that hold data, as [from, to) pairs in
     * order, from lseek(2) SEEK_DATA/SEEK_HOLE (what {@code qemu-img map} asks of raw files);
     * the rest are holes that read as zero. A file system without hole tracking reports one
     * range of data. Null when lseek is unavailable: then treat everything as data.
     */
    public static long[] dataRanges(Path file, long start, long end) {
        if (Calls.OPEN == null || Calls.CLOSE == null || Seek.LSEEK == null) return null;
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            fd = (int) Calls.OPEN.invokeExact(arena.allocateFrom(file.toAbsolutePath().toString()), O_RDONLY);
        } catch (Throwable t) {
            return null;
        }
        if (fd < 0) return null;
        try {
            // SEEK_HOLE from 0 succeeds wherever holes are understood (at worst it answers the
            // file size); failing, it means we cannot tell, not that there is no data.
            if ((long) Seek.LSEEK.invokeExact(fd, 0L, SEEK_HOLE) < 0) return null;
            long[] ranges = new long[8];
            int count = 0;
            for (long position = start; position < end; ) {
                long data = (long) Seek.LSEEK.invokeExact(fd, position, SEEK_DATA);
                if (data < 0 || data >= end) break; // ENXIO: only holes from here
                long hole = (long) Seek.LSEEK.invokeExact(fd, data, SEEK_HOLE);
                hole = hole < 0 ? end : Math.min(hole, end);
                if (count == ranges.length) ranges = java.util.Arrays.copyOf(ranges, count * 2);
                ranges[count++] = data;
                ranges[count++] = hole;
                position = hole;
            }
            return java.util.Arrays.copyOf(ranges, count);
        } catch (Throwable t) {
            return null;
        } finally {
            try {
                int ignored = (int) Calls.CLOSE.invokeExact(fd);
            } catch (Throwable t) {
                // a read-only descriptor used for lseek: nothing to lose
            }
        }
    }

    private int fd = -1;

    private FileSpace(int fd) { this.fd = fd; }

    /** Opens {@code file} for fallocate, or returns null when fallocate is unavailable. */
    public static FileSpace open(Path file) {
        if (Calls.OPEN == null || Calls.FALLOCATE == null || Calls.CLOSE == null) return null;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom(file.toAbsolutePath().toString());
            int fd = (int) Calls.OPEN.invokeExact(path, O_RDWR);
            return fd < 0 ? null : new FileSpace(fd);
        } catch (Throwable t) {
            return null;
        }
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
        try {
            return (int) Calls.FALLOCATE.invokeExact(fd, mode, offset, length) == 0;
        } catch (Throwable t) {
            return false;
        }
    }

    @Override
    public void close() {
        if (fd < 0) return;
        try {
            int ignored = (int) Calls.CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            // close(2) failing on a descriptor only used for fallocate loses nothing.
        }
        fd = -1;
    }
}
