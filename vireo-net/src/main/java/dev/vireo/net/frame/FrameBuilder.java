package dev.vireo.net.frame;

/**
 * Writes the frames Vireo originates itself (DHCP replies, ARP replies) and the frames tests
 * inject: Ethernet + IPv4 + UDP/TCP/ICMP, and ARP, with correct checksums. Each method writes
 * at index 0 of {@code out} and returns the frame length; no allocation.
 */
public final class FrameBuilder {
    public static final int IPV4_HEADER = 20, UDP_HEADER = 8, TCP_HEADER = 20;
    public static final int ARP_REQUEST = 1, ARP_REPLY = 2;

    private FrameBuilder() {}

    /** Writes a 14-byte Ethernet header and returns 14. */
    public static int ethernet(byte[] out, long destination, long source, int etherType) {
        MacAddress.write(out, 0, destination);
        MacAddress.write(out, 6, source);
        out[12] = (byte) (etherType >>> 8);
        out[13] = (byte) etherType;
        return PacketView.ETHERNET_HEADER;
    }

    /** An ARP packet (RFC 826) for Ethernet/IPv4. */
    public static int arp(byte[] out, int operation, long senderMac, int senderIp, long targetMac, int targetIp) {
        long ethernetDestination = operation == ARP_REQUEST ? MacAddress.BROADCAST : targetMac;
        int p = ethernet(out, ethernetDestination, senderMac, EtherType.ARP);
        out[p] = 0; out[p + 1] = 1;              // hardware type Ethernet
        out[p + 2] = 0x08; out[p + 3] = 0;        // protocol IPv4
        out[p + 4] = 6; out[p + 5] = 4;
        out[p + 6] = 0; out[p + 7] = (byte) operation;
        MacAddress.write(out, p + 8, senderMac);
        Ipv4.write(out, p + 14, senderIp);
        MacAddress.write(out, p + 18, operation == ARP_REQUEST ? 0 : targetMac);
        Ipv4.write(out, p + 24, targetIp);
        return p + 28;
    }

    /** Writes an IPv4 header at {@code p} (no options, DF clear, TTL 64) and its checksum. */
    public static void ipv4Header(byte[] out, int p, int protocol, int source, int destination, int payloadLength) {
        int total = IPV4_HEADER + payloadLength;
        out[p] = 0x45; out[p + 1] = 0;
        out[p + 2] = (byte) (total >>> 8); out[p + 3] = (byte) total;
        out[p + 4] = 0; out[p + 5] = 0; out[p + 6] = 0; out[p + 7] = 0;
        out[p + 8] = 64; out[p + 9] = (byte) protocol;
        out[p + 10] = 0; out[p + 11] = 0;
        Ipv4.write(out, p + 12, source);
        Ipv4.write(out, p + 16, destination);
        int checksum = InternetChecksum.compute(out, p, IPV4_HEADER);
        out[p + 10] = (byte) (checksum >>> 8); out[p + 11] = (byte) checksum;
    }

    /**
     * An Ethernet/IPv4/UDP frame whose UDP payload is already in {@code out} at
     * {@link #udpPayloadOffset()}; writes the headers around it.
     */
    public static int udp(byte[] out, long destinationMac, long sourceMac, int sourceIp, int destinationIp,
                          int sourcePort, int destinationPort, int payloadLength) {
        int p = ethernet(out, destinationMac, sourceMac, EtherType.IPV4);
        int udpLength = UDP_HEADER + payloadLength;
        ipv4Header(out, p, EtherType.PROTO_UDP, sourceIp, destinationIp, udpLength);
        int u = p + IPV4_HEADER;
        out[u] = (byte) (sourcePort >>> 8); out[u + 1] = (byte) sourcePort;
        out[u + 2] = (byte) (destinationPort >>> 8); out[u + 3] = (byte) destinationPort;
        out[u + 4] = (byte) (udpLength >>> 8); out[u + 5] = (byte) udpLength;
        out[u + 6] = 0; out[u + 7] = 0;
        long sum = InternetChecksum.ipv4PseudoHeader(sourceIp, destinationIp, EtherType.PROTO_UDP, udpLength);
        int checksum = InternetChecksum.finish(InternetChecksum.add(sum, out, u, udpLength));
        if (checksum == 0) checksum = 0xFFFF; // RFC 768: zero means "no checksum"
        out[u + 6] = (byte) (checksum >>> 8); out[u + 7] = (byte) checksum;
        return u + udpLength;
    }

    /** Where {@link #udp} expects the UDP payload. */
    public static int udpPayloadOffset() {
        return PacketView.ETHERNET_HEADER + IPV4_HEADER + UDP_HEADER;
    }

    /** An ICMP echo request (type 8) or reply (type 0) with {@code dataLength} bytes of pattern data. */
    public static int icmpEcho(byte[] out, long destinationMac, long sourceMac, int sourceIp, int destinationIp,
                               int type, int identifier, int sequence, int dataLength) {
        int p = ethernet(out, destinationMac, sourceMac, EtherType.IPV4);
        int icmpLength = 8 + dataLength;
        ipv4Header(out, p, EtherType.PROTO_ICMP, sourceIp, destinationIp, icmpLength);
        int c = p + IPV4_HEADER;
        out[c] = (byte) type; out[c + 1] = 0; out[c + 2] = 0; out[c + 3] = 0;
        out[c + 4] = (byte) (identifier >>> 8); out[c + 5] = (byte) identifier;
        out[c + 6] = (byte) (sequence >>> 8); out[c + 7] = (byte) sequence;
        for (int i = 0; i < dataLength; i++) out[c + 8 + i] = (byte) i;
        int checksum = InternetChecksum.compute(out, c, icmpLength);
        out[c + 2] = (byte) (checksum >>> 8); out[c + 3] = (byte) checksum;
        return c + icmpLength;
    }

    /** An ICMP echo reply carrying the identifier, sequence and data of the request at {@code icmpOffset}. */
    public static int icmpEchoReply(byte[] out, long destinationMac, long sourceMac, int sourceIp, int destinationIp,
                                    byte[] request, int icmpOffset, int icmpLength) {
        int p = ethernet(out, destinationMac, sourceMac, EtherType.IPV4);
        ipv4Header(out, p, EtherType.PROTO_ICMP, sourceIp, destinationIp, icmpLength);
        int c = p + IPV4_HEADER;
        System.arraycopy(request, icmpOffset, out, c, icmpLength);
        out[c] = 0; out[c + 1] = 0; out[c + 2] = 0; out[c + 3] = 0;
        int checksum = InternetChecksum.compute(out, c, icmpLength);
        out[c + 2] = (byte) (checksum >>> 8); out[c + 3] = (byte) checksum;
        return c + icmpLength;
    }

    /** A TCP segment without payload or options; {@code flags} as in {@link PacketView#tcpFlags()}. */
    public static int tcp(byte[] out, long destinationMac, long sourceMac, int sourceIp, int destinationIp,
                          int sourcePort, int destinationPort, int flags) {
        int p = ethernet(out, destinationMac, sourceMac, EtherType.IPV4);
        ipv4Header(out, p, EtherType.PROTO_TCP, sourceIp, destinationIp, TCP_HEADER);
        int t = p + IPV4_HEADER;
        java.util.Arrays.fill(out, t, t + TCP_HEADER, (byte) 0);
        out[t] = (byte) (sourcePort >>> 8); out[t + 1] = (byte) sourcePort;
        out[t + 2] = (byte) (destinationPort >>> 8); out[t + 3] = (byte) destinationPort;
        out[t + 12] = 0x50;
        out[t + 13] = (byte) flags;
        out[t + 14] = (byte) 0xFF; out[t + 15] = (byte) 0xFF;
        long sum = InternetChecksum.ipv4PseudoHeader(sourceIp, destinationIp, EtherType.PROTO_TCP, TCP_HEADER);
        int checksum = InternetChecksum.finish(InternetChecksum.add(sum, out, t, TCP_HEADER));
        out[t + 16] = (byte) (checksum >>> 8); out[t + 17] = (byte) checksum;
        return t + TCP_HEADER;
    }

    /** Inserts an 802.1Q tag after the MAC addresses, copying {@code in} into {@code out}. */
    public static int tag(byte[] in, int offset, int length, byte[] out, int vlanId, int priority) {
        System.arraycopy(in, offset, out, 0, 12);
        out[12] = (byte) 0x81; out[13] = 0;
        int tci = (priority << 13) | (vlanId & 0x0FFF);
        out[14] = (byte) (tci >>> 8); out[15] = (byte) tci;
        System.arraycopy(in, offset + 12, out, 16, length - 12);
        return length + PacketView.VLAN_TAG;
    }
}
