package dev.vireo.kvm.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * Binds an eventfd to a guest write (KVM_IOEVENTFD): a write of {@code len} bytes to
 * {@code addr} (optionally only of value {@code datamatch}) signals the eventfd inside the
 * kernel instead of exiting to Vireo; the classic use is a virtio queue notify register.
 * <pre>{@code
 * struct kvm_ioeventfd {
 *     __u64 datamatch;
 *     __u64 addr;        // legal pio/mmio address
 *     __u32 len;         // 1, 2, 4, or 8 bytes; or 0 to ignore length
 *     __s32 fd;
 *     __u32 flags;       // DATAMATCH = 1, PIO = 2, DEASSIGN = 4
 *     __u8  pad[36];
 * };
 * }</pre>
 */
public final class KvmIoeventfd {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("datamatch"), ValueLayout.JAVA_LONG.withName("addr"),
            ValueLayout.JAVA_INT.withName("len"), ValueLayout.JAVA_INT.withName("fd"),
            ValueLayout.JAVA_INT.withName("flags"), MemoryLayout.paddingLayout(36));
    public static final int FLAG_DATAMATCH = 1, FLAG_PIO = 2, FLAG_DEASSIGN = 4;

    private KvmIoeventfd() {}

    public static void write(MemorySegment target, long datamatch, long address, int length, int fd, int flags) {
        target.set(ValueLayout.JAVA_LONG, 0, datamatch);
        target.set(ValueLayout.JAVA_LONG, 8, address);
        target.set(ValueLayout.JAVA_INT, 16, length);
        target.set(ValueLayout.JAVA_INT, 20, fd);
        target.set(ValueLayout.JAVA_INT, 24, flags);
    }
}
