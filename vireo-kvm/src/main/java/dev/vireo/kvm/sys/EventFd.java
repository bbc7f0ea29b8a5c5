package dev.vireo.kvm.sys;

import dev.vireo.machine.nativeio.NativeException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * An eventfd(2): a counter the kernel can wait on. KVM uses them for irqfd (a write raises a
 * guest interrupt without an ioctl) and ioeventfd. Owns its file descriptor.
 */
public final class EventFd implements AutoCloseable {
    private static final int EFD_CLOEXEC = 0x80000, EFD_NONBLOCK = 0x800;
    private static final MethodHandle EVENTFD = Native.link("eventfd",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle WRITE = Native.link("write",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle READ = Native.link("read",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));

    private final int fd;
    private boolean closed;

    public EventFd() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Native.callState(arena);
            int rc = (int) EVENTFD.invokeExact(state, 0, EFD_CLOEXEC | EFD_NONBLOCK);
            if (rc < 0) throw new NativeException("eventfd", Native.errno(state));
            fd = rc;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    public int fd() { return fd; }

    /** Adds {@code value} to the counter (wakes whoever waits on it). */
    public void signal(long value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Native.callState(arena);
            MemorySegment buffer = arena.allocate(ValueLayout.JAVA_LONG);
            buffer.set(ValueLayout.JAVA_LONG, 0, value);
            long rc = (long) WRITE.invokeExact(state, fd, buffer, 8L);
            if (rc != 8) throw new NativeException("write(eventfd)", Native.errno(state));
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** Reads and resets the counter; returns 0 if it was zero (the fd is non-blocking). */
    public long drain() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Native.callState(arena);
            MemorySegment buffer = arena.allocate(ValueLayout.JAVA_LONG);
            long rc = (long) READ.invokeExact(state, fd, buffer, 8L);
            if (rc == 8) return buffer.get(ValueLayout.JAVA_LONG, 0);
            int errno = Native.errno(state);
            if (errno == 11) return 0; // EAGAIN: counter was zero
            throw new NativeException("read(eventfd)", errno);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        Kvm.close(fd);
    }
}
