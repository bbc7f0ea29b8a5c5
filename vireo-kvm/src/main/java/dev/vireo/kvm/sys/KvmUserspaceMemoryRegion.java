package dev.vireo.kvm.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * A memory slot: guest physical range backed by host memory (KVM_SET_USER_MEMORY_REGION).
 * <pre>{@code
 * struct kvm_userspace_memory_region {
 *     __u32 slot;
 *     __u32 flags;            // KVM_MEM_LOG_DIRTY_PAGES = 1, KVM_MEM_READONLY = 2
 *     __u64 guest_phys_addr;
 *     __u64 memory_size;      // bytes
 *     __u64 userspace_addr;   // start of the userspace allocated memory
 * };
 * }</pre>
 */
public final class KvmUserspaceMemoryRegion {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("slot"), ValueLayout.JAVA_INT.withName("flags"),
            ValueLayout.JAVA_LONG.withName("guest_phys_addr"), ValueLayout.JAVA_LONG.withName("memory_size"),
            ValueLayout.JAVA_LONG.withName("userspace_addr"));
    public static final int FLAG_LOG_DIRTY_PAGES = 1, FLAG_READONLY = 2;

    private KvmUserspaceMemoryRegion() {}

    public static void write(MemorySegment target, int slot, int flags, long guestAddress, long size, long hostAddress) {
        target.set(ValueLayout.JAVA_INT, 0, slot);
        target.set(ValueLayout.JAVA_INT, 4, flags);
        target.set(ValueLayout.JAVA_LONG, 8, guestAddress);
        target.set(ValueLayout.JAVA_LONG, 16, size);
        target.set(ValueLayout.JAVA_LONG, 24, hostAddress);
    }
}
