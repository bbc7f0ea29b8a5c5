package dev.vireo.machine.virtio;

/**
 * The guest broke the virtqueue protocol (a malformed descriptor chain, an avail index
 * that jumps, a ring outside RAM). Never fatal to the VMM: the device enters
 * DEVICE_NEEDS_RESET (virtio 1.2 §2.1.2) and stops using its queues until reset.
 *
 * <p>Thrown only on the error path, so building the message costs nothing in normal operation;
 * no stack trace is captured because the message says everything.
 */
public final class VirtqueueException extends Exception {
    public VirtqueueException(String message) {
        super(message, null, false, false);
    }
}
