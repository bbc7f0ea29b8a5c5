package dev.vireo.net.frame;

/** EtherType and IP protocol numbers the switch understands (IEEE 802.3, IANA). */
public final class EtherType {
    public static final int IPV4 = 0x0800, ARP = 0x0806, VLAN = 0x8100, IPV6 = 0x86DD;
    public static final int PROTO_ICMP = 1, PROTO_TCP = 6, PROTO_UDP = 17, PROTO_ICMPV6 = 58;

    private EtherType() {}
}
