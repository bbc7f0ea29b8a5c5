package dev.vireo.net.dhcp;

import dev.vireo.net.frame.Ipv4;

import java.time.Duration;
import java.util.List;

/**
 * A DHCP scope: the server's own address and MAC, the subnet, the pool handed out and the
 * options sent (router, DNS servers, domain, MTU, lease time). Addresses are IPv4 ints.
 */
public record DhcpConfig(int serverAddress, long serverMac, int prefixLength, int poolStart, int poolEnd,
                         int router, List<Integer> dnsServers, String domain, int mtu, Duration leaseTime) {
    public DhcpConfig {
        int mask = Ipv4.mask(prefixLength);
        if (prefixLength < 8 || prefixLength > 30) throw new IllegalArgumentException("DHCP subnet /" + prefixLength + " must be /8../30");
        if ((poolStart & mask) != (serverAddress & mask) || (poolEnd & mask) != (serverAddress & mask))
            throw new IllegalArgumentException("DHCP pool " + Ipv4.format(poolStart) + "-" + Ipv4.format(poolEnd)
                    + " must lie in the server's subnet " + Ipv4.format(serverAddress & mask) + "/" + prefixLength);
        if (Integer.compareUnsigned(poolStart, poolEnd) > 0) throw new IllegalArgumentException("DHCP pool start is after its end");
        if (leaseTime.toSeconds() < 60) throw new IllegalArgumentException("DHCP lease time must be at least 60 s");
        dnsServers = List.copyOf(dnsServers);
    }

    /**
     * The usual scope for a /24 such as 192.168.100.0/24: server .1 (also router and DNS
     * when {@code routed}), pool .100-.199, 1 h leases.
     */
    public static DhcpConfig forSubnet(int serverAddress, long serverMac, int prefixLength, boolean routed) {
        int network = serverAddress & Ipv4.mask(prefixLength);
        int hosts = (1 << (32 - prefixLength)) - 2;
        int start = hosts >= 200 ? network + 100 : network + 2;
        int end = hosts >= 200 ? network + 199 : network + hosts;
        return new DhcpConfig(serverAddress, serverMac, prefixLength, start, end, routed ? serverAddress : 0,
                routed ? List.of(serverAddress) : List.of(), null, 0, Duration.ofHours(1));
    }

    public int subnetMask() {
        return Ipv4.mask(prefixLength);
    }

    public boolean inPool(int address) {
        return Integer.compareUnsigned(address, poolStart) >= 0 && Integer.compareUnsigned(address, poolEnd) <= 0;
    }
}
