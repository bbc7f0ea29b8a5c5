package dev.vireo.kvm.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * A list of model-specific registers (KVM_GET_MSRS / KVM_SET_MSRS).
 * <pre>{@code
 * struct kvm_msr_entry { __u32 index; __u32 reserved; __u64 data; };
 * struct kvm_msrs {
 *     __u32 nmsrs;
 *     __u32 pad;
 *     struct kvm_msr_entry entries[0];
 * };
 * }</pre>
 */
public final class KvmMsrs {
    public static final StructLayout ENTRY = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("index"), ValueLayout.JAVA_INT.withName("reserved"),
            ValueLayout.JAVA_LONG.withName("data"));
    public static final long HEADER_BYTES = 8;

    private KvmMsrs() {}

    public static long byteSize(int entries) { return HEADER_BYTES + entries * ENTRY.byteSize(); }

    /** Fills {@code target} with {@code indexes[i] = values[i]}. */
    public static void write(MemorySegment target, int[] indexes, long[] values) {
        target.set(ValueLayout.JAVA_INT, 0, indexes.length);
        for (int i = 0; i < indexes.length; i++) {
            long at = HEADER_BYTES + i * ENTRY.byteSize();
            target.set(ValueLayout.JAVA_INT, at, indexes[i]);
            target.set(ValueLayout.JAVA_LONG, at + 8, values[i]);
        }
    }
}
