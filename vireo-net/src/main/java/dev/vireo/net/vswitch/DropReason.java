package dev.vireo.net.vswitch;

/** Why the switch dropped a frame; counted per port. */
public enum DropReason {
    /** Shorter than an Ethernet header (14 bytes). */
    RUNT,
    /** Longer than MTU + Ethernet header + one VLAN tag. */
    OVERSIZED,
    /** Headers inconsistent (bad IP length, truncated TCP/UDP, multicast source MAC…). */
    MALFORMED,
    /** Tagged frame on an access port, or a VLAN the trunk does not carry. */
    VLAN,
    /** Denied by the port's ACL leaving the VM. */
    ACL_OUT,
    /** Denied by the port's ACL entering the VM. */
    ACL_IN,
    /** The port's bounded egress queue was full (slow or flooded receiver). */
    QUEUE_FULL,
    /** The sink failed to write (peer gone). */
    LINK_ERROR
}
