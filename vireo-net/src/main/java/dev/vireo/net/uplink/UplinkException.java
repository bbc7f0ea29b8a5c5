package dev.vireo.net.uplink;

/** An uplink (TAP, bridge, passt) could not be set up; the message says what to do. */
public final class UplinkException extends RuntimeException {
    private final boolean needsPrivilege;

    public UplinkException(String message) {
        this(message, null, false);
    }

    public UplinkException(String message, Throwable cause) {
        this(message, cause, false);
    }

    public UplinkException(String message, Throwable cause, boolean needsPrivilege) {
        super(message, cause);
        this.needsPrivilege = needsPrivilege;
    }

    /** Whether the failure was a missing privilege (root / CAP_NET_ADMIN), so a caller can say its own fix. */
    public boolean needsPrivilege() { return needsPrivilege; }
}
