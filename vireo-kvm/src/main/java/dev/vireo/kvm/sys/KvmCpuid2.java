package dev.vireo.kvm.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * A CPUID table (KVM_GET_SUPPORTED_CPUID, KVM_SET_CPUID2): an 8-byte header and
 * {@code nent} entries of 40 bytes.
 * <pre>{@code
 * struct kvm_cpuid_entry2 {
 *     __u32 function;
 *     __u32 index;
 *     __u32 flags;      // KVM_CPUID_FLAG_SIGNIFCANT_INDEX = 1
 *     __u32 eax, ebx, ecx, edx;
 *     __u32 padding[3];
 * };
 * struct kvm_cpuid2 {
 *     __u32 nent;
 *     __u32 padding;
 *     struct kvm_cpuid_entry2 entries[0];
 * };
 * }</pre>
 */
public final class KvmCpuid2 {
    public static final StructLayout ENTRY = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("function"), ValueLayout.JAVA_INT.withName("index"),
            ValueLayout.JAVA_INT.withName("flags"), ValueLayout.JAVA_INT.withName("eax"),
            ValueLayout.JAVA_INT.withName("ebx"), ValueLayout.JAVA_INT.withName("ecx"),
            ValueLayout.JAVA_INT.withName("edx"), MemoryLayout.paddingLayout(12));
    public static final long HEADER_BYTES = 8;
    public static final int FLAG_SIGNIFICANT_INDEX = 1;

    /** One entry, as a value. */
    public record Entry(int function, int index, int flags, int eax, int ebx, int ecx, int edx) {}

    private KvmCpuid2() {}

    public static long byteSize(int entries) { return HEADER_BYTES + entries * ENTRY.byteSize(); }

    public static int count(MemorySegment table) { return table.get(ValueLayout.JAVA_INT, 0); }

    public static void setCount(MemorySegment table, int n) { table.set(ValueLayout.JAVA_INT, 0, n); }

    public static Entry entry(MemorySegment table, int i) {
        long at = HEADER_BYTES + i * ENTRY.byteSize();
        int[] v = new int[7];
        for (int k = 0; k < 7; k++) v[k] = table.get(ValueLayout.JAVA_INT, at + 4L * k);
        return new Entry(v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
    }

    public static void setEntry(MemorySegment table, int i, Entry e) {
        long at = HEADER_BYTES + i * ENTRY.byteSize();
        int[] v = {e.function(), e.index(), e.flags(), e.eax(), e.ebx(), e.ecx(), e.edx()};
        for (int k = 0; k < 7; k++) table.set(ValueLayout.JAVA_INT, at + 4L * k, v[k]);
    }
}
