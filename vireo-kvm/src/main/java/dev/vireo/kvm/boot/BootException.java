package dev.vireo.kvm.boot;

/** A kernel, initrd or command line that cannot be loaded into this machine; the message says why. */
public final class BootException extends RuntimeException {
    public BootException(String message) { super(message); }
}
