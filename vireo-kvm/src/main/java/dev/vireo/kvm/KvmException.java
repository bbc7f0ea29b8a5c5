package dev.vireo.kvm;

/**
 * Why the KVM backend cannot do what was asked, in words that say what to do
 * ("/dev/kvm not found: this host has no KVM; use --accel emulate"). The cause, when there is
 * one, is the {@link dev.vireo.machine.nativeio.NativeException} with the errno.
 */
public final class KvmException extends RuntimeException {
    public KvmException(String message) { super(message); }

    public KvmException(String message, Throwable cause) { super(message, cause); }
}
