package dev.vireo.machine.hypervisor;

/**
 * A way to run guest CPUs: hardware assistance ({@code kvm}) or emulation ({@code riscv}).
 * Kept deliberately small: a backend names itself and says whether this host can use it;
 * creating VMs is backend-specific until two backends share a machine builder.
 */
public interface Hypervisor {
    /** Short name as the CLI spells it ({@code kvm}, {@code emulate}). */
    String name();

    /** True if this host can run VMs with this backend (device present and permitted). */
    boolean available();
}
