package dev.vireo.machine.nativeio;

/** A failed system call: the operation that failed and the errno it set. */
public final class NativeException extends RuntimeException {
    private final String operation;
    private final int errno;

    public NativeException(String operation, int errno) {
        super(operation + " failed: " + LibC.strerror(errno) + " (errno " + errno + ")");
        this.operation = operation;
        this.errno = errno;
    }

    public String operation() { return operation; }

    public int errno() { return errno; }
}
