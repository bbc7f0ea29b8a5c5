package dev.vireo.kvm.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * Segment, descriptor-table and control registers of a vCPU (KVM_GET_SREGS / KVM_SET_SREGS).
 * <pre>{@code
 * struct kvm_dtable { __u64 base; __u16 limit; __u16 padding[3]; };
 * struct kvm_sregs {
 *     struct kvm_segment cs, ds, es, fs, gs, ss;
 *     struct kvm_segment tr, ldt;
 *     struct kvm_dtable gdt, idt;
 *     __u64 cr0, cr2, cr3, cr4, cr8;
 *     __u64 efer;
 *     __u64 apic_base;
 *     __u64 interrupt_bitmap[(KVM_NR_INTERRUPTS + 63) / 64];
 * };
 * }</pre>
 */
public final class KvmSregs {
    public enum Segment { CS, DS, ES, FS, GS, SS, TR, LDT }

    public enum Control { CR0, CR2, CR3, CR4, CR8, EFER, APIC_BASE }

    private static final StructLayout DTABLE = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("base"), ValueLayout.JAVA_SHORT.withName("limit"), MemoryLayout.paddingLayout(6));

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(Segment.values().length, KvmSegment.LAYOUT).withName("segments"),
            DTABLE.withName("gdt"), DTABLE.withName("idt"),
            MemoryLayout.sequenceLayout(Control.values().length, ValueLayout.JAVA_LONG).withName("control"),
            MemoryLayout.sequenceLayout(4, ValueLayout.JAVA_LONG).withName("interrupt_bitmap"));

    private static final long GDT = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("gdt"));
    private static final long IDT = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("idt"));
    private static final long CONTROL = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("control"));

    private KvmSregs() {}

    public static void setSegment(MemorySegment sregs, Segment which, KvmSegment value) {
        value.writeTo(sregs, which.ordinal() * KvmSegment.LAYOUT.byteSize());
    }

    public static KvmSegment segment(MemorySegment sregs, Segment which) {
        return KvmSegment.readFrom(sregs, which.ordinal() * KvmSegment.LAYOUT.byteSize());
    }

    public static void setGdt(MemorySegment sregs, long base, int limit) { setTable(sregs, GDT, base, limit); }

    public static void setIdt(MemorySegment sregs, long base, int limit) { setTable(sregs, IDT, base, limit); }

    private static void setTable(MemorySegment sregs, long at, long base, int limit) {
        sregs.set(ValueLayout.JAVA_LONG, at, base);
        sregs.set(ValueLayout.JAVA_SHORT, at + 8, (short) limit);
    }

    public static long get(MemorySegment sregs, Control which) {
        return sregs.get(ValueLayout.JAVA_LONG, CONTROL + which.ordinal() * 8L);
    }

    public static void set(MemorySegment sregs, Control which, long value) {
        sregs.set(ValueLayout.JAVA_LONG, CONTROL + which.ordinal() * 8L, value);
    }

    /** Control registers and CS, for crash reports. */
    public static String dump(MemorySegment sregs) {
        StringBuilder sb = new StringBuilder();
        for (Control c : Control.values()) sb.append(String.format("%s=%x ", c.name().toLowerCase(), get(sregs, c)));
        KvmSegment cs = segment(sregs, Segment.CS);
        return sb.append(String.format("cs=%x(dpl %d, l %b)", cs.selector(), cs.dpl(), cs.l())).toString();
    }
}
