package dev.vireo.net.acl;

import dev.vireo.net.frame.EtherType;
import dev.vireo.net.frame.PacketView;

/** The protocol a rule matches; {@code ANY} matches every frame. */
public enum AclProtocol {
    ANY, ARP, IPV4, IPV6, IP, TCP, UDP, ICMP, ICMPV6;

    boolean matches(PacketView p) {
        return switch (this) {
            case ANY -> true;
            case ARP -> p.etherType() == EtherType.ARP;
            case IPV4 -> p.ipVersion() == 4;
            case IPV6 -> p.ipVersion() == 6;
            case IP -> p.ipVersion() != 0;
            case TCP -> p.protocol() == EtherType.PROTO_TCP;
            case UDP -> p.protocol() == EtherType.PROTO_UDP;
            case ICMP -> p.protocol() == EtherType.PROTO_ICMP && p.ipVersion() == 4;
            case ICMPV6 -> p.protocol() == EtherType.PROTO_ICMPV6 && p.ipVersion() == 6;
        };
    }

    /** Whether {@code sport}/{@code dport} make sense for this protocol. */
    boolean hasPorts() {
        return this == TCP || this == UDP;
    }
}
