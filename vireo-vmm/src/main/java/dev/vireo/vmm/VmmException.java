package dev.vireo.vmm;

/** A VMM failure, with a message that names the VM and says what to do. */
public class VmmException extends RuntimeException {
    public VmmException(String message) { super(message); }

    public VmmException(String message, Throwable cause) { super(message, cause); }
}
