package dev.vireo.kvm.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Linking helpers shared by this package's syscall wrappers: every downcall captures errno
 * with the call ({@code captureCallState("errno")}), so errno is never read late.
 */
final class Native {
    static final Linker LINKER = Linker.nativeLinker();
    static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");

    private Native() {}

    @SuppressWarnings("restricted") // linking libc is this package's purpose; callers check every result
    static MethodHandle link(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        Linker.Option[] all = new Linker.Option[options.length + 1];
        all[0] = CAPTURE;
        System.arraycopy(options, 0, all, 1, options.length);
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(
                () -> new UnsatisfiedLinkError("libc has no " + name)), descriptor, all);
    }

    /** A call-state buffer for {@link #errno}; allocate once per thread on hot paths. */
    static MemorySegment callState(Arena arena) { return arena.allocate(CALL_STATE); }

    static int errno(MemorySegment state) { return (int) ERRNO.get(state, 0L); }

    /** Rethrows what a downcall threw: native calls declare Throwable but only fail with errors. */
    static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }
}
