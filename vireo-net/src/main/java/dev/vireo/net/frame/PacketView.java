package dev.vireo.net.frame;

/**
 * A reusable, allocation-free parse of one Ethernet frame from L2 to L4: the fields the
 * switch, the ACLs and connection tracking need. {@link #parse} overwrites every field; one
 * instance per switching thread.
 *
 * <pre>
 *  Ethernet (IEEE 802.3)           802.1Q tag (optional)      then by EtherType
 *  0      6      12     14          12     14     16   18
 *  | dst  | src  | type |           | 8100 | TCI  | type |    ARP (28) | IPv4 (20..60) | IPv6 (40 + ext)
 *                                          PCP:3 DEI:1 VID:12          then TCP (20..60) | UDP (8) | ICMP (4+)
 * </pre>
 *
 * IPv4 addresses are kept in the low 32 bits of {@code sourceLow/destinationLow} (high = 0);
 * IPv6 addresses as two 64-bit halves. For non-first fragments ports are unknown (0).
 */
public final class PacketView {
    /** Why a frame cannot be switched; the switch counts each. */
    public enum Status { OK, RUNT, OVERSIZED, MALFORMED }

    public static final int ETHERNET_HEADER = 14, VLAN_TAG = 4;
    private static final int MAX_IPV6_EXTENSIONS = 8;

    private byte[] buffer;
    private int offset, length;
    private long destinationMac, sourceMac;
    private int vlanId;            // -1 when untagged
    private int priority;
    private int etherType;         // the inner type after any tag
    private int l3Offset;          // absolute index into buffer
    private int ipVersion;         // 0 when not IP
    private int protocol;          // IP protocol or -1
    private long sourceHigh, sourceLow, destinationHigh, destinationLow;
    private int l4Offset, l4Length;
    private boolean fragment;
    private int sourcePort, destinationPort;
    private int tcpFlags;
    private int icmpType, icmpCode;

    /**
     * Parses {@code length} bytes at {@code offset}. Frames shorter than an Ethernet header
     * are runts; longer than {@code maxLength} oversized; inconsistent headers malformed.
     */
    public Status parse(byte[] b, int offset, int length, int maxLength) {
        this.buffer = b;
        this.offset = offset;
        this.length = length;
        vlanId = -1;
        priority = 0;
        ipVersion = 0;
        protocol = -1;
        sourceHigh = sourceLow = destinationHigh = destinationLow = 0;
        l3Offset = l4Offset = l4Length = 0;
        fragment = false;
        sourcePort = destinationPort = tcpFlags = icmpType = icmpCode = 0;
        etherType = 0;
        if (length < ETHERNET_HEADER) return Status.RUNT;
        if (length > maxLength) return Status.OVERSIZED;
        destinationMac = MacAddress.read(b, offset);
        sourceMac = MacAddress.read(b, offset + 6);
        if (MacAddress.isMulticast(sourceMac)) return Status.MALFORMED;
        int type = u16(b, offset + 12);
        int p = offset + ETHERNET_HEADER;
        if (type == EtherType.VLAN) {
            if (length < ETHERNET_HEADER + VLAN_TAG) return Status.MALFORMED;
            int tci = u16(b, p);
            vlanId = tci & 0x0FFF;
            priority = tci >>> 13;
            type = u16(b, p + 2);
            p += VLAN_TAG;
            if (type == EtherType.VLAN) return Status.MALFORMED; // stacked tags (QinQ) are not switched
        }
        etherType = type;
        l3Offset = p;
        int end = offset + length;
        return switch (type) {
            case EtherType.ARP -> end - p >= 28 ? Status.OK : Status.MALFORMED;
            case EtherType.IPV4 -> parseIpv4(b, p, end);
            case EtherType.IPV6 -> parseIpv6(b, p, end);
            default -> Status.OK;
        };
    }

    private Status parseIpv4(byte[] b, int p, int end) {
        if (end - p < 20) return Status.MALFORMED;
        int versionIhl = b[p] & 0xFF;
        int headerLength = (versionIhl & 0xF) * 4;
        int totalLength = u16(b, p + 2);
        if (versionIhl >>> 4 != 4 || headerLength < 20 || totalLength < headerLength || totalLength > end - p)
            return Status.MALFORMED;
        ipVersion = 4;
        protocol = b[p + 9] & 0xFF;
        sourceLow = Ipv4.read(b, p + 12) & 0xFFFF_FFFFL;
        destinationLow = Ipv4.read(b, p + 16) & 0xFFFF_FFFFL;
        int fragmentField = u16(b, p + 6);
        boolean moreFragments = (fragmentField & 0x2000) != 0;
        int fragmentOffset = fragmentField & 0x1FFF;
        fragment = moreFragments || fragmentOffset != 0;
        if (fragmentOffset != 0) return Status.OK; // no L4 header in this fragment
        return parseL4(b, p + headerLength, p + totalLength);
    }

    private Status parseIpv6(byte[] b, int p, int end) {
        if (end - p < 40) return Status.MALFORMED;
        if ((b[p] & 0xF0) != 0x60) return Status.MALFORMED;
        int payloadLength = u16(b, p + 4);
        if (payloadLength > end - p - 40) return Status.MALFORMED;
        ipVersion = 6;
        sourceHigh = u64(b, p + 8);
        sourceLow = u64(b, p + 16);
        destinationHigh = u64(b, p + 24);
        destinationLow = u64(b, p + 32);
        int next = b[p + 6] & 0xFF;
        int q = p + 40, payloadEnd = p + 40 + payloadLength;
        for (int i = 0; i <= MAX_IPV6_EXTENSIONS; i++) {
            switch (next) {
                case 0, 43, 60 -> { // hop-by-hop, routing, destination options
                    if (payloadEnd - q < 8) return Status.MALFORMED;
                    int extLength = ((b[q + 1] & 0xFF) + 1) * 8;
                    if (payloadEnd - q < extLength) return Status.MALFORMED;
                    next = b[q] & 0xFF;
                    q += extLength;
                }
                case 44 -> { // fragment
                    if (payloadEnd - q < 8) return Status.MALFORMED;
                    int fragmentField = u16(b, q + 2);
                    fragment = true;
                    next = b[q] & 0xFF;
                    q += 8;
                    if ((fragmentField & 0xFFF8) != 0) {
                        protocol = next;
                        return Status.OK;
                    }
                }
                default -> {
                    protocol = next;
                    return parseL4(b, q, payloadEnd);
                }
            }
        }
        return Status.MALFORMED; // too many extension headers to be honest traffic
    }

    private Status parseL4(byte[] b, int p, int end) {
        l4Offset = p;
        l4Length = end - p;
        switch (protocol) {
            case EtherType.PROTO_TCP -> {
                if (l4Length < 20) return Status.MALFORMED;
                int dataOffset = ((b[p + 12] & 0xFF) >>> 4) * 4;
                if (dataOffset < 20 || dataOffset > l4Length) return Status.MALFORMED;
                sourcePort = u16(b, p);
                destinationPort = u16(b, p + 2);
                tcpFlags = b[p + 13] & 0x3F;
            }
            case EtherType.PROTO_UDP -> {
                if (l4Length < 8) return Status.MALFORMED;
                int udpLength = u16(b, p + 4);
                if (udpLength < 8 || udpLength > l4Length) return Status.MALFORMED;
                sourcePort = u16(b, p);
                destinationPort = u16(b, p + 2);
            }
            case EtherType.PROTO_ICMP, EtherType.PROTO_ICMPV6 -> {
                if (l4Length < 4) return Status.MALFORMED;
                icmpType = b[p] & 0xFF;
                icmpCode = b[p + 1] & 0xFF;
                // Echo request/reply: the identifier plays the role of a port for tracking.
                if (l4Length >= 8 && isEcho()) sourcePort = destinationPort = u16(b, p + 4);
            }
            default -> { }
        }
        return Status.OK;
    }

    /** ICMP(v4) echo 8/0 or ICMPv6 echo 128/129. */
    public boolean isEcho() {
        return protocol == EtherType.PROTO_ICMP ? icmpType == 8 || icmpType == 0
                : protocol == EtherType.PROTO_ICMPV6 && (icmpType == 128 || icmpType == 129);
    }

    /** An echo request or a TCP SYN without ACK: a packet that may open a connection. */
    public boolean isEchoRequest() {
        return protocol == EtherType.PROTO_ICMP ? icmpType == 8 : icmpType == 128;
    }

    static int u16(byte[] b, int i) {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }

    static long u64(byte[] b, int i) {
        long v = 0;
        for (int k = 0; k < 8; k++) v = (v << 8) | (b[i + k] & 0xFF);
        return v;
    }

    public byte[] buffer() { return buffer; }
    public int offset() { return offset; }
    public int length() { return length; }
    public long destinationMac() { return destinationMac; }
    public long sourceMac() { return sourceMac; }
    public boolean tagged() { return vlanId >= 0; }
    /** The 802.1Q VLAN ID, or -1 when the frame is untagged. */
    public int vlanId() { return vlanId; }
    public int priority() { return priority; }
    public int etherType() { return etherType; }
    public int l3Offset() { return l3Offset; }
    /** 4, 6, or 0 for non-IP frames. */
    public int ipVersion() { return ipVersion; }
    /** IP protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6), -1 for non-IP. */
    public int protocol() { return protocol; }
    public long sourceHigh() { return sourceHigh; }
    public long sourceLow() { return sourceLow; }
    public long destinationHigh() { return destinationHigh; }
    public long destinationLow() { return destinationLow; }
    public int ipv4Source() { return (int) sourceLow; }
    public int ipv4Destination() { return (int) destinationLow; }
    public int l4Offset() { return l4Offset; }
    public int l4Length() { return l4Length; }
    public boolean fragment() { return fragment; }
    public int sourcePort() { return sourcePort; }
    public int destinationPort() { return destinationPort; }
    /** TCP flags: FIN 1, SYN 2, RST 4, PSH 8, ACK 16, URG 32. */
    public int tcpFlags() { return tcpFlags; }
    public int icmpType() { return icmpType; }
    public int icmpCode() { return icmpCode; }
}
