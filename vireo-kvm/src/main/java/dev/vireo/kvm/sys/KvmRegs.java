package dev.vireo.kvm.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * General-purpose registers of a vCPU (KVM_GET_REGS / KVM_SET_REGS).
 * <pre>{@code
 * struct kvm_regs {
 *     __u64 rax, rbx, rcx, rdx;
 *     __u64 rsi, rdi, rsp, rbp;
 *     __u64 r8,  r9,  r10, r11;
 *     __u64 r12, r13, r14, r15;
 *     __u64 rip, rflags;
 * };
 * }</pre>
 */
public final class KvmRegs {
    /** The fields in declaration order; each is a u64 at {@code ordinal() * 8}. */
    public enum Register { RAX, RBX, RCX, RDX, RSI, RDI, RSP, RBP, R8, R9, R10, R11, R12, R13, R14, R15, RIP, RFLAGS }

    public static final StructLayout LAYOUT;

    static {
        MemoryLayout[] fields = new MemoryLayout[Register.values().length];
        for (Register r : Register.values()) fields[r.ordinal()] = ValueLayout.JAVA_LONG.withName(r.name().toLowerCase());
        LAYOUT = MemoryLayout.structLayout(fields);
    }

    private KvmRegs() {}

    public static long get(MemorySegment regs, Register r) {
        return regs.get(ValueLayout.JAVA_LONG, r.ordinal() * 8L);
    }

    public static void set(MemorySegment regs, Register r, long value) {
        regs.set(ValueLayout.JAVA_LONG, r.ordinal() * 8L, value);
    }

    /** One line per register pair, for crash reports. */
    public static String dump(MemorySegment regs) {
        StringBuilder sb = new StringBuilder();
        Register[] all = Register.values();
        for (int i = 0; i < all.length; i++) {
            sb.append(String.format("%-6s %016x", all[i].name().toLowerCase(), get(regs, all[i])));
            sb.append(i % 2 == 1 ? "\n" : "  ");
        }
        return sb.toString();
    }
}
