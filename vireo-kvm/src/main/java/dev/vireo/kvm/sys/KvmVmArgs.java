package dev.vireo.kvm.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * The small VM- and vCPU-level ioctl arguments, each a few words.
 * <pre>{@code
 * struct kvm_irq_level { union { __u32 irq; __s32 status; }; __u32 level; };   // KVM_IRQ_LINE
 * struct kvm_pit_config { __u32 flags; __u32 pad[15]; };                       // KVM_CREATE_PIT2
 * struct kvm_signal_mask { __u32 len; __u8 sigset[0]; };                       // KVM_SET_SIGNAL_MASK
 * struct kvm_mp_state { __u32 mp_state; };                                     // KVM_SET_MP_STATE
 * }</pre>
 */
public final class KvmVmArgs {
    public static final StructLayout IRQ_LEVEL = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("irq"), ValueLayout.JAVA_INT.withName("level"));
    public static final StructLayout PIT_CONFIG = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("flags"), MemoryLayout.sequenceLayout(15, ValueLayout.JAVA_INT).withName("pad"));
    /** kvm_signal_mask with the kernel's 8-byte sigset. */
    public static final StructLayout SIGNAL_MASK = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("len"), ValueLayout.JAVA_LONG_UNALIGNED.withName("sigset"));
    public static final StructLayout MP_STATE = MemoryLayout.structLayout(ValueLayout.JAVA_INT.withName("mp_state"));

    public static final int PIT_SPEAKER_DUMMY = 1;
    public static final int MP_STATE_RUNNABLE = 0, MP_STATE_UNINITIALIZED = 1;

    private KvmVmArgs() {}
}
