package dev.vireo.riscv.cpu;

/**
 * A synchronous exception on its way to the trap handler (RISC-V privileged 1.12 §3.1.15,
 * table 3.6). One preallocated instance per hart, without a stack trace: throwing it is the
 * hart's way out of a slow path (page fault, illegal instruction) and costs nothing when no
 * trap happens. Owned by the hart's thread.
 */
final class Trap extends RuntimeException {
    static final int INSTRUCTION_MISALIGNED = 0, INSTRUCTION_ACCESS = 1, ILLEGAL_INSTRUCTION = 2, BREAKPOINT = 3;
    static final int LOAD_MISALIGNED = 4, LOAD_ACCESS = 5, STORE_MISALIGNED = 6, STORE_ACCESS = 7;
    static final int ECALL_U = 8, ECALL_S = 9, ECALL_M = 11;
    static final int INSTRUCTION_PAGE_FAULT = 12, LOAD_PAGE_FAULT = 13, STORE_PAGE_FAULT = 15;

    long cause;
    long tval;

    Trap() {
        super("guest trap", null, false, false);
    }

    Trap set(long cause, long tval) {
        this.cause = cause;
        this.tval = tval;
        return this;
    }

    Trap illegal(int insn) {
        return set(ILLEGAL_INSTRUCTION, insn & 0xFFFFFFFFL);
    }
}
