package dev.vireo.riscv.platform.aclint;

/**
 * What the ACLINT drives in each hart: its MSIP bit and its mtimecmp register. The hart
 * evaluates MTIP = mtime ≥ mtimecmp itself (so a timer needs no host thread). Implemented
 * over {@code dev.vireo.riscv.cpu.Hart}; tests use a plain fake.
 */
public interface AclintHart {
    void setSoftwareInterrupt(boolean level);

    boolean softwareInterrupt();

    void setMtimecmp(long value);

    long mtimecmp();
}
