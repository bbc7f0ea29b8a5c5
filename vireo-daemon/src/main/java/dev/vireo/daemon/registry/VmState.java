package dev.vireo.daemon.registry;

/**
 * A VM's state as the registry records it. Transitions (checked by the VM manager):
 * <pre>
 *  stopped ──start──► running ──pause──► paused ──resume──► running
 *  running/paused ──stop (guest shuts down) / poweroff──► stopped
 *  running/paused ──VMM process dies──► crashed ──start──► running
 * </pre>
 */
public enum VmState {
    stopped, running, paused, crashed;

    /** True when a VMM process should exist for a VM in this state. */
    public boolean active() { return this == running || this == paused; }
}
