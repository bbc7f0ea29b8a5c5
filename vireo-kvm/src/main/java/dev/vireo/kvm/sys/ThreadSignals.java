package dev.vireo.kvm.sys;

import dev.vireo.machine.nativeio.NativeException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The signal used to kick a vCPU thread out of KVM_RUN, with no signal handler at all:
 * <ol>
 *   <li>the vCPU thread blocks {@link #KICK_SIGNAL} for itself ({@link #blockKickSignal});</li>
 *   <li>it gives KVM a mask without that signal (KVM_SET_SIGNAL_MASK), so the signal is
 *       unblocked only while the thread is inside KVM_RUN;</li>
 *   <li>a kicker sends it with {@code pthread_kill}: if the thread is inside KVM_RUN, the run
 *       returns EINTR; if it is about to enter, the signal is already pending and KVM_RUN
 *       returns EINTR at once. Nothing is lost in between, and the blocked signal is never
 *       delivered, so the JVM never sees it;</li>
 *   <li>after EINTR the thread consumes the pending signal ({@link #consumeKick}).</li>
 * </ol>
 * SIGUSR1 is unused by HotSpot on Linux (it uses SIGUSR2 and real-time signals).
 */
public final class ThreadSignals {
    /** SIGUSR1. */
    public static final int KICK_SIGNAL = 10;
    /** {@code sizeof(sigset_t)} in glibc; the kernel's own sigset is the first 8 bytes. */
    static final int SIGSET_BYTES = 128;
    private static final int SIG_BLOCK = 0, EAGAIN = 11, EINTR = 4;

    @SuppressWarnings("restricted") // pthread_self cannot fail and sets no errno
    private static final MethodHandle PTHREAD_SELF = Native.LINKER.downcallHandle(
            Native.LINKER.defaultLookup().find("pthread_self").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG));
    private static final MethodHandle PTHREAD_KILL = Native.link("pthread_kill",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final MethodHandle PTHREAD_SIGMASK = Native.link("pthread_sigmask",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final MethodHandle SIGTIMEDWAIT = Native.link("sigtimedwait",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS));

    private ThreadSignals() {}

    /** The calling thread's pthread_t, for {@link #kick}. */
    public static long self() {
        try {
            return (long) PTHREAD_SELF.invokeExact();
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * Blocks the kick signal for the calling thread and returns the thread's resulting mask
     * with the kick signal removed: the mask to give KVM_SET_SIGNAL_MASK (8 bytes, as the
     * kernel's sigset).
     */
    public static long blockKickSignal() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Native.callState(arena);
            MemorySegment set = arena.allocate(SIGSET_BYTES);
            set.set(ValueLayout.JAVA_LONG, 0, 1L << (KICK_SIGNAL - 1));
            MemorySegment old = arena.allocate(SIGSET_BYTES);
            int rc = (int) PTHREAD_SIGMASK.invokeExact(state, SIG_BLOCK, set, old);
            // pthread_* functions return the error number instead of setting errno.
            if (rc != 0) throw new NativeException("pthread_sigmask(SIG_BLOCK, SIGUSR1)", rc);
            return old.get(ValueLayout.JAVA_LONG, 0) & ~(1L << (KICK_SIGNAL - 1));
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** Sends the kick signal to {@code thread}, which must be alive (its owner guarantees that). */
    public static void kick(long thread) {
        // SAFETY: a pthread_t is only valid while its thread lives; KvmVcpu calls this under its
        // kick lock and only while "alive", which its own thread clears before it exits.
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Native.callState(arena);
            int rc = (int) PTHREAD_KILL.invokeExact(state, thread, KICK_SIGNAL);
            if (rc != 0) throw new NativeException("pthread_kill(SIGUSR1)", rc);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** Consumes a pending kick signal of the calling thread, if any; returns true if one was pending. */
    public static boolean consumeKick() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Native.callState(arena);
            MemorySegment set = arena.allocate(SIGSET_BYTES);
            set.set(ValueLayout.JAVA_LONG, 0, 1L << (KICK_SIGNAL - 1));
            MemorySegment zeroTimeout = arena.allocate(16);
            while (true) {
                int rc = (int) SIGTIMEDWAIT.invokeExact(state, set, MemorySegment.NULL, zeroTimeout);
                if (rc == KICK_SIGNAL) return true;
                int errno = Native.errno(state);
                if (rc < 0 && errno == EAGAIN) return false;
                if (rc < 0 && errno == EINTR) continue;
                throw new NativeException("sigtimedwait(SIGUSR1)", errno);
            }
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }
}
