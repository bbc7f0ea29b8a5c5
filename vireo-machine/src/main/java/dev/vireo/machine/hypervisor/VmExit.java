package dev.vireo.machine.hypervisor;

/**
 * Why {@link Vcpu#run()} returned. A closed set: a {@code switch} over it is exhaustive, so
 * adding a reason shows every place that must handle it.
 */
public sealed interface VmExit {
    /** Another thread called {@link Vcpu#kick()} (pause, stop, or a device needing attention). */
    record Kicked() implements VmExit {}

    /** The CPU halted with nothing to wake it (only when the backend does not model HLT itself). */
    record Halted() implements VmExit {}

    /** The guest asked for a reset (i8042 0xFE, ACPI/PSCI reset, SBI system reset). */
    record Reset() implements VmExit {}

    /** The guest asked to power off. */
    record PowerOff(int code) implements VmExit {}

    /** The CPU shut down (x86 triple fault): the VM cannot continue. {@code state} is a register dump. */
    record Shutdown(String state) implements VmExit {}

    /** A guest memory access that no device claims; reads were completed as all-ones. */
    record UnhandledMmio(long address, int size, boolean write, long value) implements VmExit {}

    /** A port access that no device claims (x86 only); reads were completed as all-ones. */
    record UnhandledPio(int port, int size, boolean write, long value) implements VmExit {}

    /** The backend failed to run the vCPU; {@code detail} says why (with registers when known). */
    record Failure(String detail) implements VmExit {}
}
