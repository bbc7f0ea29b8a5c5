package dev.vireo.kvm.sys;

import dev.vireo.machine.nativeio.NativeException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The system calls of the KVM backend, each wrapped once: {@code open}, {@code ioctl} (with a
 * pointer or a value argument; {@code ioctl} is variadic, so it is linked with
 * {@code firstVariadicArg(2)}), {@code close}. Every result is checked and a failure becomes a
 * {@link NativeException} naming the ioctl and carrying errno. Ioctl numbers are from
 * {@code <linux/kvm.h>} (x86-64, KVMIO = 0xAE); see REFERENCE.md.
 */
public final class Kvm {
    public static final long GET_API_VERSION = 0xAE00, CREATE_VM = 0xAE01, CHECK_EXTENSION = 0xAE03,
            GET_VCPU_MMAP_SIZE = 0xAE04, GET_SUPPORTED_CPUID = 0xC008AE05L;
    public static final long CREATE_VCPU = 0xAE41, SET_USER_MEMORY_REGION = 0x4020AE46L, SET_TSS_ADDR = 0xAE47,
            SET_IDENTITY_MAP_ADDR = 0x4008AE48L, CREATE_IRQCHIP = 0xAE60, IRQ_LINE = 0x4008AE61L,
            IRQFD = 0x4020AE76L, CREATE_PIT2 = 0x4040AE77L, IOEVENTFD = 0x4040AE79L;
    public static final long RUN = 0xAE80, GET_REGS = 0x8090AE81L, SET_REGS = 0x4090AE82L,
            GET_SREGS = 0x8138AE83L, SET_SREGS = 0x4138AE84L, SET_MSRS = 0x4008AE89L,
            SET_SIGNAL_MASK = 0x4004AE8BL, SET_FPU = 0x41A0AE8DL, GET_LAPIC = 0x8400AE8EL,
            SET_LAPIC = 0x4400AE8FL, SET_CPUID2 = 0x4008AE90L, GET_MP_STATE = 0x8004AE98L,
            SET_MP_STATE = 0x4004AE99L;

    /** KVM_CHECK_EXTENSION capabilities Vireo asks about. */
    public static final int CAP_IRQCHIP = 0, CAP_USER_MEMORY = 3, CAP_SET_TSS_ADDR = 4, CAP_PIT2 = 33,
            CAP_IRQFD = 32, CAP_TSC_DEADLINE_TIMER = 72, CAP_IMMEDIATE_EXIT = 136;

    public static final int API_VERSION = 12;
    private static final int O_RDWR = 2, O_CLOEXEC = 0x80000;

    private static final MethodHandle OPEN = Native.link("open",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle IOCTL_POINTER = Native.link("ioctl",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle IOCTL_VALUE = Native.link("ioctl",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = Native.link("close",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private Kvm() {}

    /** Opens {@code path} read-write and close-on-exec. */
    public static int open(String path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Native.callState(arena);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path), O_RDWR | O_CLOEXEC);
            if (fd < 0) throw new NativeException("open(" + path + ")", Native.errno(state));
            return fd;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** {@code ioctl(fd, request, arg)} with a pointer argument; returns the non-negative result. */
    public static int ioctl(int fd, long request, MemorySegment arg, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Native.callState(arena);
            int rc = (int) IOCTL_POINTER.invokeExact(state, fd, request, arg);
            if (rc < 0) throw new NativeException(what, Native.errno(state));
            return rc;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** {@code ioctl(fd, request, value)} with an integer argument; returns the non-negative result. */
    public static int ioctl(int fd, long request, long value, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Native.callState(arena);
            int rc = (int) IOCTL_VALUE.invokeExact(state, fd, request, value);
            if (rc < 0) throw new NativeException(what, Native.errno(state));
            return rc;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * KVM_RUN on the hot path: no allocation, and errno returned rather than thrown, because
     * EINTR (a kick) is an expected outcome.
     *
     * @param callState a {@link #newCallState} buffer owned by the calling vCPU thread
     * @return 0 on success, otherwise {@code -errno}
     */
    public static int run(int vcpuFd, MemorySegment callState) {
        try {
            int rc = (int) IOCTL_VALUE.invokeExact(callState, vcpuFd, RUN, 0L);
            return rc < 0 ? -Native.errno(callState) : rc;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** A buffer for the errno of {@link #run}; one per vCPU thread. */
    public static MemorySegment newCallState(Arena arena) { return Native.callState(arena); }

    /** Closes {@code fd}; errors are reported (a failed close of a KVM fd is a bug worth seeing). */
    public static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Native.callState(arena);
            int rc = (int) CLOSE.invokeExact(state, fd);
            if (rc < 0) throw new NativeException("close(" + fd + ")", Native.errno(state));
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }
}
