package dev.vireo.machine.hypervisor;

/**
 * One virtual CPU. {@link #run()} is called only on the vCPU's own thread (KVM requires
 * that); {@link #kick()} may be called from any thread and makes a running or about-to-run
 * {@code run()} return {@link VmExit.Kicked} promptly, without a lost-wakeup race.
 */
public interface Vcpu {
    /** The vCPU's index, which is also its APIC id / hart id. */
    int id();

    /**
     * Runs guest code until something the machine must decide on happens. I/O that a bus
     * device claims is handled inside; only the exits in {@link VmExit} come back.
     */
    VmExit run();

    /** Makes the current or next {@link #run()} return {@link VmExit.Kicked}. Any thread. */
    void kick();
}
