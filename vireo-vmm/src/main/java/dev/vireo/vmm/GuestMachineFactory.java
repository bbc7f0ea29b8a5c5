package dev.vireo.vmm;

import java.util.List;

/**
 * Builds the {@link GuestMachine} of a VMM process from the same arguments as
 * {@code vireo run} (kernel, initrd, append, memory, cpus, disks, NICs…). Found with
 * {@link java.util.ServiceLoader}: the platform registers its builder in
 * {@code META-INF/services/dev.vireo.vmm.GuestMachineFactory}. When several are registered,
 * the system property {@code vireo.vmm.machine} names the one to use (tests register a
 * scripted machine beside the real one).
 */
public interface GuestMachineFactory {
    /** The name {@code -Dvireo.vmm.machine=NAME} selects, e.g. "virt". */
    String name();

    /** Builds (but does not start) the machine; throws {@link VmmException} with a message saying what to fix. */
    GuestMachine create(String name, List<String> runArguments) throws Exception;
}
