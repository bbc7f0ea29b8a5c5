package dev.vireo.kvm.boot;

/**
 * Where and how a vCPU starts in 64-bit mode: instruction pointer, stack, and the two
 * argument registers (Linux wants boot_params in RSI; ELF guests get their vCPU index in RDI
 * and the vCPU count in RSI). Paging uses {@link LowMemory#PML4}; segments and GDT are
 * {@link LowMemory}'s.
 */
public record EntryState(long rip, long rsp, long rsi, long rdi) {}
