package dev.vireo.image;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The Linux system calls of {@code vireo-image} ({@link ImageLock}'s OFD locks, and
 * {@link dev.vireo.image.raw.FileSpace}'s fallocate, lseek, madvise and stat), all made through
 * one downcall: libc's {@code syscall(2)}.
 *
 * <p>Why one: FFM spins a downcall stub (a hidden class and a dozen lambda forms) for each
 * function signature, and these commands are short. In a JVM started from an AOT cache the
 * native linker's set-up took 10-24 ms, a first stub 20-46 ms and each further signature
 * 7-23 ms (docs/images.md); a convert linked four (open, fcntl, close for the lock, madvise
 * for the reader) before its first write. Every call here shares {@code long syscall(long number, ...)} with
 * five long arguments, so there is one stub.
 *
 * <p>Paths are passed as C strings in direct buffers, not {@code Arena.allocateFrom}: a
 * segment's first value-layout access builds the method handles of every layout path (about
 * 20 ms in a convert on our busy host, before its first write).
 *
 * <p>Each method returns the kernel's result, or -1 on failure (errno is not kept: callers
 * only tell success from failure and fall back). Where the call is unavailable (not Linux on
 * x86-64, aarch64 or riscv64, or native access denied) {@link #available} is false and every
 * call returns -1.
 *
 * <pre>long syscall(long number, ...);</pre>
 */
public final class Syscalls {
    private Syscalls() { }

    private static final long AT_FDCWD = -100;

    /** System call numbers: x86-64's own table, and the generic one of aarch64 and riscv64 (asm-generic/unistd.h). */
    private enum Table {
        X86_64(257, 3, 72, 8, 285, 28, 262),
        GENERIC(56, 57, 25, 62, 47, 233, 79);

        final long openat, close, fcntl, lseek, fallocate, madvise, newfstatat;

        Table(long openat, long close, long fcntl, long lseek, long fallocate, long madvise, long newfstatat) {
            this.openat = openat;
            this.close = close;
            this.fcntl = fcntl;
            this.lseek = lseek;
            this.fallocate = fallocate;
            this.madvise = madvise;
            this.newfstatat = newfstatat;
        }

        static Table ofHost() {
            if (!System.getProperty("os.name", "").equals("Linux")) return null;
            return switch (System.getProperty("os.arch", "")) {
                case "amd64", "x86_64" -> X86_64;
                case "aarch64", "riscv64" -> GENERIC;
                default -> null;
            };
        }
    }

    /** The downcall, linked on first use (tens of milliseconds: commands that make no call do not pay it). */
    private static final class Linked {
        static final Table TABLE = Table.ofHost();
        static final MethodHandle SYSCALL = TABLE == null ? null : link();

        private static MethodHandle link() {
            try {
                Linker linker = Linker.nativeLinker();
                return linker.downcallHandle(linker.defaultLookup().find("syscall").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                                ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG),
                        Linker.Option.firstVariadicArg(1));
            } catch (RuntimeException | LinkageError e) {
                return null;
            }
        }
    }

    /** Whether system calls can be made here (links the downcall if it is not yet). */
    public static boolean available() { return Linked.SYSCALL != null; }

    private static long call(long number, long a, long b, long c, long d) {
        MethodHandle syscall = Linked.SYSCALL;
        if (syscall == null) return -1;
        try {
            return (long) syscall.invokeExact(number, a, b, c, d);
        } catch (Throwable t) {
            return -1;
        }
    }

    /** open(2) of {@code file} with {@code flags} (no O_CREAT): a descriptor, or -1. */
    public static int open(Path file, int flags) {
        if (!available()) return -1;
        ByteBuffer path = cString(file);
        try {
            return (int) call(Linked.TABLE.openat, AT_FDCWD, MemorySegment.ofBuffer(path).address(), flags, 0);
        } finally {
            Reference.reachabilityFence(path);
        }
    }

    /** close(2). */
    public static int close(int fd) {
        return available() ? (int) call(Linked.TABLE.close, fd, 0, 0, 0) : -1;
    }

    /** fcntl(2) with a pointer argument (struct flock for the lock commands), which must stay alive during the call. */
    public static int fcntl(int fd, int command, MemorySegment argument) {
        return available() ? (int) call(Linked.TABLE.fcntl, fd, command, argument.address(), 0) : -1;
    }

    /** lseek(2): the new offset, or -1 (ENXIO from SEEK_DATA past the last data included). */
    public static long lseek(int fd, long offset, int whence) {
        return available() ? call(Linked.TABLE.lseek, fd, offset, whence, 0) : -1;
    }

    /** fallocate(2). */
    public static int fallocate(int fd, int mode, long offset, long length) {
        return available() ? (int) call(Linked.TABLE.fallocate, fd, mode, offset, length) : -1;
    }

    /** madvise(2) on {@code [address, address + length)}, which must lie in this process's live mappings. */
    public static int madvise(long address, long length, int advice) {
        return available() ? (int) call(Linked.TABLE.madvise, address, length, advice, 0) : -1;
    }

    /** stat(2) of {@code file} into {@code buffer} (the kernel's struct stat, as glibc's on these architectures). */
    public static int stat(Path file, MemorySegment buffer) {
        if (!available()) return -1;
        ByteBuffer path = cString(file);
        try {
            return (int) call(Linked.TABLE.newfstatat, AT_FDCWD, MemorySegment.ofBuffer(path).address(), buffer.address(), 0);
        } finally {
            Reference.reachabilityFence(path);
        }
    }

    /** The absolute path of {@code file}, UTF-8 and NUL-terminated (a Unix path holds no NUL). */
    private static ByteBuffer cString(Path file) {
        byte[] bytes = file.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocateDirect(bytes.length + 1).put(bytes).put((byte) 0).clear();
    }
}
