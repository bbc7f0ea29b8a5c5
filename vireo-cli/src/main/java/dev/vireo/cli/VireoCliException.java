package dev.vireo.cli;

/** An error the CLI reports as one line ("vireo: …") with its exit code, no stack trace. */
public class VireoCliException extends RuntimeException {
    private final int exitCode;

    public VireoCliException(String message) { this(message, Main.EXIT_FAILURE); }

    public VireoCliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public VireoCliException(String message, Throwable cause) {
        super(message, cause);
        this.exitCode = Main.EXIT_FAILURE;
    }

    public int exitCode() { return exitCode; }
}
