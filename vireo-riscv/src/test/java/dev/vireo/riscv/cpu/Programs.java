package dev.vireo.riscv.cpu;

/** Assembly fragments shared by the privileged-architecture tests. */
final class Programs {
    private Programs() {}

    /**
     * Installs an M-mode handler that records mcause, mtval, mepc and the previous privilege
     * (mstatus.MPP) in s8..s11 and halts. Put it first in a program.
     */
    static final String M_HANDLER = """
            la t0, m_handler
            csrw mtvec, t0
            j m_handler_end
            .align 2
            m_handler:
              csrr s8, mcause
              csrr s9, mtval
              csrr s10, mepc
              csrr s11, mstatus
              srli s11, s11, 11
              andi s11, s11, 3
              halt
            m_handler_end:
            """;

    /** Same for S-mode: scause, stval, sepc, sstatus.SPP in s4..s7; then ecall to M. */
    static final String S_HANDLER = """
            la t0, s_handler
            csrw stvec, t0
            j s_handler_end
            .align 2
            s_handler:
              csrr s4, scause
              csrr s5, stval
              csrr s6, sepc
              csrr s7, sstatus
              srli s7, s7, 8
              andi s7, s7, 1
              halt
            s_handler_end:
            """;

    /** Drops from M-mode to privilege {@code mode} (0 U, 1 S) at {@code label}. */
    static String enter(int mode, String label) {
        return """
                li t0, 0x1800
                csrc mstatus, t0
                li t0, %d
                csrs mstatus, t0
                la t0, %s
                csrw mepc, t0
                mret
                """.formatted(mode << 11, label);
    }
}
