package dev.vireo.net.acl;

/** Direction of a frame relative to the VM on a switch port. */
public enum Direction {
    /** Into the VM: the switch delivers the frame to the port. */
    IN,
    /** Out of the VM: the frame arrives at the switch from the port. */
    OUT,
    /** A rule that applies both ways. */
    BOTH;

    boolean covers(Direction d) {
        return this == BOTH || this == d;
    }
}
