package dev.vireo.kvm.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * The in-kernel local APIC's register page (KVM_GET_LAPIC / KVM_SET_LAPIC), laid out as the
 * APIC's MMIO page: register {@code r} at offset {@code r}.
 * <pre>{@code
 * #define KVM_APIC_REG_SIZE 0x400
 * struct kvm_lapic_state { char regs[KVM_APIC_REG_SIZE]; };
 * }</pre>
 */
public final class KvmLapicState {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(0x400, ValueLayout.JAVA_BYTE).withName("regs"));
    public static final int LVT_LINT0 = 0x350, LVT_LINT1 = 0x360;
    public static final int DELIVERY_NMI = 4, DELIVERY_EXTINT = 7;

    private KvmLapicState() {}

    public static int register(MemorySegment lapic, int offset) { return lapic.get(ValueLayout.JAVA_INT, offset); }

    public static void setRegister(MemorySegment lapic, int offset, int value) { lapic.set(ValueLayout.JAVA_INT, offset, value); }

    /** Sets the delivery mode (bits 8..10) of an LVT entry, keeping its other bits. */
    public static void setDeliveryMode(MemorySegment lapic, int lvt, int mode) {
        setRegister(lapic, lvt, (register(lapic, lvt) & ~0x700) | (mode << 8));
    }
}
