package dev.vireo.machine.hypervisor;

import dev.vireo.machine.memory.GuestMemory;

/**
 * One virtual machine of a {@link Hypervisor}: its guest memory and its vCPUs. Closing it
 * releases every host resource it holds (file descriptors, mappings, threads).
 */
public interface Vm extends AutoCloseable {
    /** Guest RAM, shared by the backend and the devices. */
    GuestMemory memory();

    /** Number of vCPUs this VM was created with. */
    int vcpuCount();

    @Override
    void close();
}
