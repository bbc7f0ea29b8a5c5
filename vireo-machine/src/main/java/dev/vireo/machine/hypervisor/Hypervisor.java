package dev.vireo.machine.hypervisor;

import java.util.Optional;

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

    /**
     * Why this host cannot use this backend, in words that say what to do, or empty if it can.
     * Backends that know the cause (a missing device, a permission) override this.
     */
    default Optional<String> unavailableReason() {
        return available() ? Optional.empty() : Optional.of(name() + " is unavailable");
    }
}
