package dev.vireo.kvm.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * Binds an eventfd to a guest interrupt (KVM_IRQFD): writing the eventfd injects the GSI
 * inside the kernel, without a userspace ioctl per interrupt.
 * <pre>{@code
 * struct kvm_irqfd {
 *     __u32 fd;
 *     __u32 gsi;
 *     __u32 flags;       // KVM_IRQFD_FLAG_DEASSIGN = 1, KVM_IRQFD_FLAG_RESAMPLE = 2
 *     __u32 resamplefd;
 *     __u8  pad[16];
 * };
 * }</pre>
 */
public final class KvmIrqfd {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("fd"), ValueLayout.JAVA_INT.withName("gsi"),
            ValueLayout.JAVA_INT.withName("flags"), ValueLayout.JAVA_INT.withName("resamplefd"),
            MemoryLayout.paddingLayout(16));
    public static final int FLAG_DEASSIGN = 1, FLAG_RESAMPLE = 2;

    private KvmIrqfd() {}

    public static void write(MemorySegment target, int fd, int gsi, int flags, int resampleFd) {
        target.set(ValueLayout.JAVA_INT, 0, fd);
        target.set(ValueLayout.JAVA_INT, 4, gsi);
        target.set(ValueLayout.JAVA_INT, 8, flags);
        target.set(ValueLayout.JAVA_INT, 12, resampleFd);
    }
}
