package dev.vireo.machine.nativeio;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The C library calls Vireo makes, each wrapped once: every result is checked and a
 * failure becomes a {@link NativeException} carrying errno (captured with the call, never
 * read afterwards). Add a call here rather than linking it elsewhere.
 */
public final class LibC {
    public static final int PROT_READ = 1, PROT_WRITE = 2;
    public static final int MAP_SHARED = 1;
    public static final int MFD_CLOEXEC = 1;
    public static final int MADV_DONTNEED = 4, MADV_REMOVE = 9, MADV_MERGEABLE = 12;
    // <sys/socket.h>, <fcntl.h>, <linux/if_tun.h> (x86-64 and riscv64 Linux share these values)
    public static final int AF_UNIX = 1, SOCK_STREAM = 1, SOCK_SEQPACKET = 5, SOCK_CLOEXEC = 0x80000;
    public static final int MSG_TRUNC = 0x20, MSG_DONTWAIT = 0x40, MSG_NOSIGNAL = 0x4000;
    public static final int SHUT_RDWR = 2;
    public static final short POLLIN = 1;
    public static final int O_RDWR = 2, O_CLOEXEC = 0x80000;
    public static final long TUNSETIFF = 0x400454CAL;
    public static final int IFF_TAP = 0x0002, IFF_NO_PI = 0x1000;
    public static final int EPERM = 1, ENOENT = 2, EINTR = 4, EAGAIN = 11, EACCES = 13, EPIPE = 32,
            EADDRINUSE = 98, ECONNRESET = 104, ECONNREFUSED = 111;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CALL_STATE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");

    private static final MethodHandle MEMFD_CREATE = link("memfd_create",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle FTRUNCATE = link("ftruncate",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
    private static final MethodHandle MMAP = link("mmap",
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
    private static final MethodHandle MUNMAP = link("munmap",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle MADVISE = link("madvise",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final MethodHandle CLOSE = link("close",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle SOCKET = link("socket",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle BIND = link("bind",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle CONNECT = link("connect",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle LISTEN = link("listen",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle ACCEPT4 = link("accept4",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle SEND = link("send",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final MethodHandle RECV = link("recv",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final MethodHandle SHUTDOWN = link("shutdown",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle READ = link("read",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle WRITE = link("write",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle POLL = link("poll",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    // open(2) and ioctl(2) are variadic: the third argument is passed as a variadic int/pointer.
    private static final MethodHandle OPEN = LINKER.downcallHandle(LIBC.find("open").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            CAPTURE, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle IOCTL_POINTER = LINKER.downcallHandle(LIBC.find("ioctl").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
            CAPTURE, Linker.Option.firstVariadicArg(2));

    /**
     * {@code struct sockaddr_un { sa_family_t sun_family; char sun_path[108]; }} from
     * {@code <sys/un.h>}: 110 bytes.
     */
    public static final StructLayout SOCKADDR_UN = java.lang.foreign.MemoryLayout.structLayout(
            ValueLayout.JAVA_SHORT.withName("sun_family"),
            java.lang.foreign.MemoryLayout.sequenceLayout(108, ValueLayout.JAVA_BYTE).withName("sun_path"));
    /** The longest socket path sun_path holds (107 bytes plus the NUL). */
    public static final int UNIX_PATH_MAX = 107;

    private static final MethodHandle STRERROR = LINKER.downcallHandle(LIBC.find("strerror").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    private LibC() {}

    private static MethodHandle link(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LIBC.find(name).orElseThrow(), descriptor, CAPTURE);
    }

    /** Returns a private, unlinked anonymous file (memfd) of {@code size} bytes. */
    public static int memfdCreate(String name, long size) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) MEMFD_CREATE.invokeExact(state, arena.allocateFrom(name), MFD_CLOEXEC);
            if (fd < 0) throw new NativeException("memfd_create(" + name + ")", errno(state));
            int rc = (int) FTRUNCATE.invokeExact(state, fd, size);
            if (rc < 0) {
                int err = errno(state);
                close(fd);
                throw new NativeException("ftruncate(memfd, " + size + ")", err);
            }
            return fd;
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Maps {@code size} bytes of {@code fd} shared and read-write; the caller unmaps. */
    public static MemorySegment mmapShared(int fd, long size) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment addr = (MemorySegment) MMAP.invokeExact(state, MemorySegment.NULL, size,
                    PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0L);
            if (addr.address() == -1L) throw new NativeException("mmap(" + size + " bytes)", errno(state));
            return addr;
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static void munmap(MemorySegment address, long size) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) MUNMAP.invokeExact(state, address, size);
            if (rc < 0) throw new NativeException("munmap", errno(state));
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static void madvise(MemorySegment address, long size, int advice) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) MADVISE.invokeExact(state, address, size, advice);
            if (rc < 0) throw new NativeException("madvise(" + advice + ")", errno(state));
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) CLOSE.invokeExact(state, fd);
            if (rc < 0) throw new NativeException("close(" + fd + ")", errno(state));
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            // SAFETY: strerror returns a NUL-terminated string in static storage.
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** A reusable errno capture buffer, for calls on hot paths that must not allocate. */
    public static MemorySegment allocateCallState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    /** {@code socket(domain, type | SOCK_CLOEXEC, 0)}. */
    public static int socket(int domain, int type) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) SOCKET.invokeExact(state, domain, type | SOCK_CLOEXEC, 0);
            if (fd < 0) throw new NativeException("socket(" + domain + ", " + type + ")", errno(state));
            return fd;
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Binds a Unix socket to {@code path} (at most {@link #UNIX_PATH_MAX} bytes). */
    public static void bindUnix(int fd, String path) {
        unixAddressCall(BIND, "bind", fd, path);
    }

    /** Connects a Unix socket to {@code path}. */
    public static void connectUnix(int fd, String path) {
        unixAddressCall(CONNECT, "connect", fd, path);
    }

    private static void unixAddressCall(MethodHandle call, String name, int fd, String path) {
        byte[] bytes = path.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (bytes.length > UNIX_PATH_MAX) throw new IllegalArgumentException("socket path '" + path + "' is " + bytes.length
                + " bytes; Unix sockets allow " + UNIX_PATH_MAX + ": use a shorter VIREO_HOME");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment address = arena.allocate(SOCKADDR_UN); // zeroed: the path is NUL-terminated
            address.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
            MemorySegment.copy(bytes, 0, address, ValueLayout.JAVA_BYTE, 2, bytes.length);
            int rc;
            do {
                rc = (int) call.invokeExact(state, fd, address, (int) SOCKADDR_UN.byteSize());
            } while (rc < 0 && errno(state) == EINTR && name.equals("bind"));
            if (rc < 0) throw new NativeException(name + "(" + path + ")", errno(state));
        } catch (NativeException | IllegalArgumentException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static void listen(int fd, int backlog) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) LISTEN.invokeExact(state, fd, backlog);
            if (rc < 0) throw new NativeException("listen", errno(state));
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Accepts a connection (close-on-exec); retries EINTR. */
    public static int accept(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            while (true) {
                int client = (int) ACCEPT4.invokeExact(state, fd, MemorySegment.NULL, MemorySegment.NULL, SOCK_CLOEXEC);
                if (client >= 0) return client;
                int err = errno(state);
                if (err != EINTR) throw new NativeException("accept", err);
            }
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Sends one message of {@code length} bytes from {@code buffer}; retries EINTR. */
    public static long send(int fd, MemorySegment buffer, long length, int flags, MemorySegment callState) {
        try {
            while (true) {
                long n = (long) SEND.invokeExact(callState, fd, buffer, length, flags);
                if (n >= 0) return n;
                int err = errno(callState);
                if (err != EINTR) throw new NativeException("send", err);
            }
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Receives one message into {@code buffer}; 0 at end of stream; retries EINTR. */
    public static long recv(int fd, MemorySegment buffer, long capacity, int flags, MemorySegment callState) {
        try {
            while (true) {
                long n = (long) RECV.invokeExact(callState, fd, buffer, capacity, flags);
                if (n >= 0) return n;
                int err = errno(callState);
                if (err != EINTR) throw new NativeException("recv", err);
            }
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** {@code shutdown(fd, SHUT_RDWR)}: wakes a thread blocked in recv/accept on {@code fd}. Errors ignored. */
    public static void shutdown(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) SHUTDOWN.invokeExact(state, fd, SHUT_RDWR);
            assert rc == 0 || rc == -1;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** {@code open(path, flags | O_CLOEXEC)} without O_CREAT. */
    public static int open(String path, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path), flags | O_CLOEXEC, 0);
            if (fd < 0) throw new NativeException("open(" + path + ")", errno(state));
            return fd;
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** {@code ioctl(fd, request, argument)} for requests that take a pointer. */
    public static int ioctl(int fd, long request, MemorySegment argument, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) IOCTL_POINTER.invokeExact(state, fd, request, argument);
            if (rc < 0) throw new NativeException("ioctl(" + what + ")", errno(state));
            return rc;
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** {@code read(fd, buffer, capacity)}; 0 at end of file; retries EINTR. */
    public static long read(int fd, MemorySegment buffer, long capacity, MemorySegment callState) {
        try {
            while (true) {
                long n = (long) READ.invokeExact(callState, fd, buffer, capacity);
                if (n >= 0) return n;
                int err = errno(callState);
                if (err != EINTR) throw new NativeException("read", err);
            }
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** {@code write(fd, buffer, length)}; retries EINTR. */
    public static long write(int fd, MemorySegment buffer, long length, MemorySegment callState) {
        try {
            while (true) {
                long n = (long) WRITE.invokeExact(callState, fd, buffer, length);
                if (n >= 0) return n;
                int err = errno(callState);
                if (err != EINTR) throw new NativeException("write", err);
            }
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /**
     * Waits up to {@code timeoutMillis} for {@code fd} to become readable, using
     * {@code pollfd} (8 bytes: {@code int fd; short events; short revents}) in
     * {@code scratch}. Returns true when readable (or in error: the next read reports it).
     */
    public static boolean pollReadable(int fd, int timeoutMillis, MemorySegment scratch, MemorySegment callState) {
        scratch.set(ValueLayout.JAVA_INT, 0, fd);
        scratch.set(ValueLayout.JAVA_SHORT, 4, POLLIN);
        scratch.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
        try {
            int rc = (int) POLL.invokeExact(callState, scratch, 1L, timeoutMillis);
            if (rc < 0) {
                int err = errno(callState);
                if (err == EINTR) return false;
                throw new NativeException("poll", err);
            }
            return rc > 0;
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
