package dev.vireo.net.uplink;

/** An uplink (TAP, bridge, passt) could not be set up; the message says what to do. */
public final class UplinkException extends RuntimeException {
    public UplinkException(String message) {
        super(message);
    }

    public UplinkException(String message, Throwable cause) {
        super(message, cause);
    }
}
