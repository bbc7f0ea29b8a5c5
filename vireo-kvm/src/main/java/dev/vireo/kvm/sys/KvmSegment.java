package dev.vireo.kvm.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * A segment register as KVM sees it: the hidden descriptor cache, not a GDT entry.
 * <pre>{@code
 * struct kvm_segment {
 *     __u64 base;
 *     __u32 limit;
 *     __u16 selector;
 *     __u8  type;
 *     __u8  present, dpl, db, s, l, g, avl;
 *     __u8  unusable;
 *     __u8  padding;
 * };
 * }</pre>
 */
public record KvmSegment(long base, int limit, int selector, int type, boolean present, int dpl,
                         boolean db, boolean s, boolean l, boolean g, boolean avl, boolean unusable) {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("base"),
            ValueLayout.JAVA_INT.withName("limit"),
            ValueLayout.JAVA_SHORT.withName("selector"),
            ValueLayout.JAVA_BYTE.withName("type"),
            ValueLayout.JAVA_BYTE.withName("present"),
            ValueLayout.JAVA_BYTE.withName("dpl"),
            ValueLayout.JAVA_BYTE.withName("db"),
            ValueLayout.JAVA_BYTE.withName("s"),
            ValueLayout.JAVA_BYTE.withName("l"),
            ValueLayout.JAVA_BYTE.withName("g"),
            ValueLayout.JAVA_BYTE.withName("avl"),
            ValueLayout.JAVA_BYTE.withName("unusable"),
            ValueLayout.JAVA_BYTE.withName("padding"));

    /**
     * The cached form of a GDT descriptor ({@code entry}, 8 bytes as in the GDT) loaded with
     * {@code selector}: what the CPU would hold after loading it.
     */
    public static KvmSegment fromDescriptor(int selector, long entry) {
        long base = ((entry >>> 16) & 0xFF_FFFFL) | ((entry >>> 32) & 0xFF00_0000L);
        int rawLimit = (int) ((entry & 0xFFFF) | ((entry >>> 32) & 0xF_0000));
        boolean g = ((entry >>> 55) & 1) != 0;
        int limit = g ? (rawLimit << 12) | 0xFFF : rawLimit;
        return new KvmSegment(base, limit, selector, (int) ((entry >>> 40) & 0xF), ((entry >>> 47) & 1) != 0,
                (int) ((entry >>> 45) & 3), ((entry >>> 54) & 1) != 0, ((entry >>> 44) & 1) != 0,
                ((entry >>> 53) & 1) != 0, g, ((entry >>> 52) & 1) != 0, false);
    }

    public void writeTo(MemorySegment target, long offset) {
        target.set(ValueLayout.JAVA_LONG, offset, base);
        target.set(ValueLayout.JAVA_INT, offset + 8, limit);
        target.set(ValueLayout.JAVA_SHORT, offset + 12, (short) selector);
        byte[] flags = {(byte) type, flag(present), (byte) dpl, flag(db), flag(s), flag(l), flag(g), flag(avl), flag(unusable), 0};
        MemorySegment.copy(flags, 0, target, ValueLayout.JAVA_BYTE, offset + 14, flags.length);
    }

    public static KvmSegment readFrom(MemorySegment source, long offset) {
        byte[] f = new byte[9];
        MemorySegment.copy(source, ValueLayout.JAVA_BYTE, offset + 14, f, 0, f.length);
        return new KvmSegment(source.get(ValueLayout.JAVA_LONG, offset), source.get(ValueLayout.JAVA_INT, offset + 8),
                Short.toUnsignedInt(source.get(ValueLayout.JAVA_SHORT, offset + 12)), f[0], f[1] != 0, f[2],
                f[3] != 0, f[4] != 0, f[5] != 0, f[6] != 0, f[7] != 0, f[8] != 0);
    }

    private static byte flag(boolean b) { return (byte) (b ? 1 : 0); }
}
