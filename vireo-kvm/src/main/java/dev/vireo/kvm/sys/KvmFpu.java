package dev.vireo.kvm.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * x87/SSE state of a vCPU (KVM_SET_FPU). Vireo sets the reset values: FCW 0x37F, MXCSR 0x1F80.
 * <pre>{@code
 * struct kvm_fpu {
 *     __u8  fpr[8][16];
 *     __u16 fcw;          // @128
 *     __u16 fsw;
 *     __u8  ftwx;
 *     __u8  pad1;
 *     __u16 last_opcode;
 *     __u64 last_ip;
 *     __u64 last_dp;
 *     __u8  xmm[16][16];
 *     __u32 mxcsr;        // @408
 *     __u32 pad2;
 * };
 * }</pre>
 */
public final class KvmFpu {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(128, ValueLayout.JAVA_BYTE).withName("fpr"),
            ValueLayout.JAVA_SHORT.withName("fcw"), ValueLayout.JAVA_SHORT.withName("fsw"),
            ValueLayout.JAVA_BYTE.withName("ftwx"), ValueLayout.JAVA_BYTE.withName("pad1"),
            ValueLayout.JAVA_SHORT.withName("last_opcode"), ValueLayout.JAVA_LONG.withName("last_ip"),
            ValueLayout.JAVA_LONG.withName("last_dp"),
            MemoryLayout.sequenceLayout(256, ValueLayout.JAVA_BYTE).withName("xmm"),
            ValueLayout.JAVA_INT.withName("mxcsr"), ValueLayout.JAVA_INT.withName("pad2"));
    public static final long FCW = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("fcw"));
    public static final long MXCSR = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("mxcsr"));

    private KvmFpu() {}

    /** Writes the power-on state into a zeroed {@code fpu}. */
    public static void writeResetState(MemorySegment fpu) {
        fpu.set(ValueLayout.JAVA_SHORT, FCW, (short) 0x37F);
        fpu.set(ValueLayout.JAVA_INT, MXCSR, 0x1F80);
    }
}
