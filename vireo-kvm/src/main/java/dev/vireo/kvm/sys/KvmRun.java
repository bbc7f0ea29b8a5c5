package dev.vireo.kvm.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * The shared page between KVM and the vCPU thread ({@code mmap} of the vCPU fd): why KVM_RUN
 * returned and the data of the exit. Only the fields Vireo uses are named; the union starts
 * at byte 32.
 * <pre>{@code
 * struct kvm_run {
 *     __u8 request_interrupt_window;      // @0
 *     __u8 immediate_exit;                // @1
 *     __u8 padding1[6];
 *     __u32 exit_reason;                  // @8
 *     __u8 ready_for_interrupt_injection; // @12
 *     __u8 if_flag;
 *     __u16 flags;
 *     __u64 cr8;                          // @16
 *     __u64 apic_base;                    // @24
 *     union {                             // @32
 *         struct { __u8 direction; __u8 size; __u16 port; __u32 count; __u64 data_offset; } io;
 *         struct { __u64 phys_addr; __u8 data[8]; __u32 len; __u8 is_write; } mmio;
 *         struct { __u32 type; __u32 ndata; __u64 data[16]; } system_event;
 *         struct { __u32 suberror; __u32 ndata; __u64 data[16]; } internal;
 *         struct { __u64 hardware_entry_failure_reason; __u32 cpu; } fail_entry;
 *         ...
 *     };
 * };
 * }</pre>
 * A flyweight over the mapping: owned by one vCPU thread, except {@link #setImmediateExit}
 * which a kicker may call from any thread (a single byte store).
 */
public final class KvmRun {
    public static final int EXIT_IO = 2, EXIT_HLT = 5, EXIT_MMIO = 6, EXIT_SHUTDOWN = 8, EXIT_FAIL_ENTRY = 9,
            EXIT_INTR = 10, EXIT_INTERNAL_ERROR = 17, EXIT_SYSTEM_EVENT = 24;
    public static final int SYSTEM_EVENT_SHUTDOWN = 1, SYSTEM_EVENT_RESET = 2, SYSTEM_EVENT_CRASH = 3;
    public static final int IO_IN = 0, IO_OUT = 1;

    /** The fixed part of the structure, to check offsets against the header. */
    public static final StructLayout HEADER = MemoryLayout.structLayout(
            ValueLayout.JAVA_BYTE.withName("request_interrupt_window"),
            ValueLayout.JAVA_BYTE.withName("immediate_exit"),
            MemoryLayout.paddingLayout(6),
            ValueLayout.JAVA_INT.withName("exit_reason"),
            ValueLayout.JAVA_BYTE.withName("ready_for_interrupt_injection"),
            ValueLayout.JAVA_BYTE.withName("if_flag"),
            ValueLayout.JAVA_SHORT.withName("flags"),
            ValueLayout.JAVA_LONG.withName("cr8"),
            ValueLayout.JAVA_LONG.withName("apic_base"));
    private static final long IMMEDIATE_EXIT = offset("immediate_exit"), EXIT_REASON = offset("exit_reason");
    private static final long UNION = HEADER.byteSize();

    private final MemorySegment run;

    /** @param run the whole mapping (KVM_GET_VCPU_MMAP_SIZE bytes) */
    public KvmRun(MemorySegment run) { this.run = run; }

    private static long offset(String name) {
        return HEADER.byteOffset(MemoryLayout.PathElement.groupElement(name));
    }

    public int exitReason() { return run.get(ValueLayout.JAVA_INT, EXIT_REASON); }

    public void setImmediateExit(boolean exit) { run.set(ValueLayout.JAVA_BYTE, IMMEDIATE_EXIT, (byte) (exit ? 1 : 0)); }

    // KVM_EXIT_IO
    public int ioDirection() { return run.get(ValueLayout.JAVA_BYTE, UNION); }

    public int ioSize() { return run.get(ValueLayout.JAVA_BYTE, UNION + 1); }

    public int ioPort() { return Short.toUnsignedInt(run.get(ValueLayout.JAVA_SHORT, UNION + 2)); }

    public int ioCount() { return run.get(ValueLayout.JAVA_INT, UNION + 4); }

    /** Offset of the I/O data from the start of the mapping (inside it, per the KVM ABI). */
    public long ioDataOffset() { return run.get(ValueLayout.JAVA_LONG, UNION + 8); }

    /** Reads {@code size} bytes (1, 2, 4) of I/O data at {@code offset} into the mapping. */
    public long data(long offset, int size) {
        return switch (size) {
            case 1 -> Byte.toUnsignedLong(run.get(ValueLayout.JAVA_BYTE, offset));
            case 2 -> Short.toUnsignedLong(run.get(ValueLayout.JAVA_SHORT_UNALIGNED, offset));
            case 4 -> Integer.toUnsignedLong(run.get(ValueLayout.JAVA_INT_UNALIGNED, offset));
            default -> run.get(ValueLayout.JAVA_LONG_UNALIGNED, offset);
        };
    }

    /** Writes {@code size} bytes (1, 2, 4, 8) of {@code value} at {@code offset} into the mapping. */
    public void setData(long offset, int size, long value) {
        switch (size) {
            case 1 -> run.set(ValueLayout.JAVA_BYTE, offset, (byte) value);
            case 2 -> run.set(ValueLayout.JAVA_SHORT_UNALIGNED, offset, (short) value);
            case 4 -> run.set(ValueLayout.JAVA_INT_UNALIGNED, offset, (int) value);
            default -> run.set(ValueLayout.JAVA_LONG_UNALIGNED, offset, value);
        }
    }

    // KVM_EXIT_MMIO
    public long mmioAddress() { return run.get(ValueLayout.JAVA_LONG, UNION); }

    /** Offset of the MMIO data bytes from the start of the mapping. */
    public long mmioDataOffset() { return UNION + 8; }

    public int mmioLength() { return run.get(ValueLayout.JAVA_INT, UNION + 16); }

    public boolean mmioIsWrite() { return run.get(ValueLayout.JAVA_BYTE, UNION + 20) != 0; }

    // KVM_EXIT_SYSTEM_EVENT
    public int systemEventType() { return run.get(ValueLayout.JAVA_INT, UNION); }

    // KVM_EXIT_INTERNAL_ERROR
    public int internalSuberror() { return run.get(ValueLayout.JAVA_INT, UNION); }

    // KVM_EXIT_FAIL_ENTRY
    public long failEntryReason() { return run.get(ValueLayout.JAVA_LONG, UNION); }
}
