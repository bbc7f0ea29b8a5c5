package dev.vireo.image.raw;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * fallocate(2) on a file of our own, through FFM: reserving space (thick images) and punching
 * holes (discard). Linux only; every method reports failure by returning {@code false} so that
 * callers fall back to writing zeros. The fd is owned by this object and never escapes.
 *
 * <pre>int open(const char *path, int flags);
 * int fallocate(int fd, int mode, off_t offset, off_t len);
 * int close(int fd);</pre>
 */
public final class FileSpace implements AutoCloseable {
    private static final int O_RDWR = 2;
    private static final int FALLOC_FL_KEEP_SIZE = 0x01, FALLOC_FL_PUNCH_HOLE = 0x02;
    private static final MethodHandle OPEN, FALLOCATE, CLOSE;

    static {
        MethodHandle open = null, fallocate = null, close = null;
        try {
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            open = linker.downcallHandle(libc.find("open").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
            fallocate = linker.downcallHandle(libc.find("fallocate").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
            close = linker.downcallHandle(libc.find("close").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        } catch (RuntimeException | LinkageError e) {
            // Not Linux, or native access denied: every operation falls back to plain I/O.
        }
        OPEN = open;
        FALLOCATE = fallocate;
        CLOSE = close;
    }

    private int fd = -1;

    private FileSpace(int fd) { this.fd = fd; }

    /** Opens {@code file} for fallocate, or returns null when fallocate is unavailable. */
    public static FileSpace open(Path file) {
        if (OPEN == null) return null;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom(file.toAbsolutePath().toString());
            int fd = (int) OPEN.invokeExact(path, O_RDWR);
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
            return (int) FALLOCATE.invokeExact(fd, mode, offset, length) == 0;
        } catch (Throwable t) {
            return false;
        }
    }

    @Override
    public void close() {
        if (fd < 0) return;
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            // close(2) failing on a descriptor only used for fallocate loses nothing.
        }
        fd = -1;
    }
}
