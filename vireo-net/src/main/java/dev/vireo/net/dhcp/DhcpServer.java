package dev.vireo.net.dhcp;

import dev.vireo.net.frame.EtherType;
import dev.vireo.net.frame.FrameBuilder;
import dev.vireo.net.frame.Ipv4;
import dev.vireo.net.frame.MacAddress;
import dev.vireo.net.frame.PacketView;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A DHCPv4 server for one scope (RFC 2131): DISCOVER → OFFER, REQUEST → ACK or NAK,
 * RELEASE, DECLINE, INFORM; leases keyed by client MAC, stable across renewals; options
 * subnet mask, router, DNS, domain, MTU, lease time, T1/T2. It also answers ARP for its own
 * address so clients can unicast renewals to it. Frames in, frames out: {@link #handle}
 * knows nothing of sockets or switches ({@link DhcpService} attaches it to a switch).
 *
 * <p>Not thread-safe; one caller thread (the service's port thread).
 */
public final class DhcpServer {
    /** One address binding. {@code bound} is false while only offered. */
    public record Lease(long mac, int address, long expiresAtNanos, boolean bound) {
        @Override
        public String toString() {
            return MacAddress.format(mac) + " " + Ipv4.format(address) + (bound ? " bound" : " offered");
        }
    }

    private static final long OFFER_HOLD_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final long DECLINE_HOLD_NANOS = TimeUnit.MINUTES.toNanos(10);

    private final DhcpConfig config;
    private final LongSupplier clock;
    private final PacketView view = new PacketView();
    private final Map<Long, Lease> byMac = new HashMap<>();
    private final Map<Integer, Lease> byAddress = new HashMap<>();
    private final Map<Integer, Long> declined = new HashMap<>();
    private final int[] routers, dns;

    public DhcpServer(DhcpConfig config, LongSupplier clock) {
        this.config = config;
        this.clock = clock;
        this.routers = config.router() == 0 ? new int[0] : new int[] {config.router()};
        this.dns = config.dnsServers().stream().mapToInt(Integer::intValue).toArray();
    }

    public DhcpConfig config() { return config; }

    /**
     * Handles one Ethernet frame; when it calls for an answer, writes the reply frame into
     * {@code out} (at least 1024 bytes) and returns its length, else returns 0.
     */
    public int handle(byte[] frame, int offset, int length, byte[] out) {
        if (view.parse(frame, offset, length, 65535) != PacketView.Status.OK || view.tagged()) return 0;
        if (view.etherType() == EtherType.ARP) return answerArp(frame, out);
        if (view.protocol() != EtherType.PROTO_UDP || view.destinationPort() != DhcpMessage.SERVER_PORT
                || view.ipVersion() != 4 || view.fragment()) return 0;
        int p = view.l4Offset() + 8, n = view.l4Length() - 8;
        if (!DhcpMessage.valid(frame, p, n) || DhcpMessage.op(frame, p) != DhcpMessage.BOOTREQUEST) return 0;
        if (DhcpMessage.giaddr(frame, p) != 0) return 0; // relays are not supported
        long mac = DhcpMessage.chaddr(frame, p);
        if (MacAddress.isMulticast(mac) || mac == 0) return 0;
        long now = clock.getAsLong();
        int type = DhcpMessage.messageType(frame, p, n);
        return switch (type) {
            case DhcpMessage.DISCOVER -> {
                int address = choose(mac, DhcpMessage.addressOption(frame, p, n, DhcpMessage.OPT_REQUESTED_IP), now);
                if (address == 0) yield 0; // pool exhausted: stay silent, as RFC 2131 allows
                bind(mac, address, now + OFFER_HOLD_NANOS, false);
                yield reply(frame, p, out, DhcpMessage.OFFER, address, mac);
            }
            case DhcpMessage.REQUEST -> request(frame, p, n, mac, now, out);
            case DhcpMessage.RELEASE -> {
                Lease lease = byMac.get(mac);
                if (lease != null && lease.address() == DhcpMessage.ciaddr(frame, p)) release(lease);
                yield 0;
            }
            case DhcpMessage.DECLINE -> {
                int address = DhcpMessage.addressOption(frame, p, n, DhcpMessage.OPT_REQUESTED_IP);
                Lease lease = byMac.get(mac);
                if (lease != null && lease.address() == address) {
                    release(lease);
                    declined.put(address, now + DECLINE_HOLD_NANOS);
                }
                yield 0;
            }
            case DhcpMessage.INFORM -> reply(frame, p, out, DhcpMessage.ACK, 0, mac);
            default -> 0;
        };
    }

    private int request(byte[] frame, int p, int n, long mac, long now, byte[] out) {
        int serverId = DhcpMessage.addressOption(frame, p, n, DhcpMessage.OPT_SERVER_ID);
        if (serverId != 0 && serverId != config.serverAddress()) {
            Lease lease = byMac.get(mac);             // the client chose another server
            if (lease != null && !lease.bound()) release(lease);
            return 0;
        }
        int requested = DhcpMessage.addressOption(frame, p, n, DhcpMessage.OPT_REQUESTED_IP);
        if (requested == 0) requested = DhcpMessage.ciaddr(frame, p);  // RENEWING / REBINDING
        Lease holder = byAddress.get(requested);
        boolean free = holder == null || holder.mac() == mac || now - holder.expiresAtNanos() > 0;
        if (requested == 0 || !config.inPool(requested) || !free || isDeclined(requested, now)) {
            // Not ours to give (taken, outside the pool, declined, or another subnet after a move):
            // NAK so that the client restarts with DISCOVER (RFC 2131 §4.3.2).
            return reply(frame, p, out, DhcpMessage.NAK, 0, mac);
        }
        if (holder != null && holder.mac() != mac) release(holder);
        bind(mac, requested, now + TimeUnit.SECONDS.toNanos(config.leaseTime().toSeconds()), true);
        return reply(frame, p, out, DhcpMessage.ACK, requested, mac);
    }

    /** The client's current address, its requested one if free, else the first free one; 0 if none. */
    private int choose(long mac, int requested, long now) {
        Lease lease = byMac.get(mac);
        if (lease != null) return lease.address();
        if (requested != 0 && config.inPool(requested) && available(requested, now)) return requested;
        for (int a = config.poolStart(); Integer.compareUnsigned(a, config.poolEnd()) <= 0; a++) {
            if (a != config.serverAddress() && a != config.router() && available(a, now)) return a;
        }
        return 0;
    }

    private boolean available(int address, long now) {
        Lease holder = byAddress.get(address);
        if (holder != null && now - holder.expiresAtNanos() > 0) {
            release(holder);
            holder = null;
        }
        return holder == null && !isDeclined(address, now) && address != config.serverAddress();
    }

    private boolean isDeclined(int address, long now) {
        Long until = declined.get(address);
        if (until == null) return false;
        if (now - until > 0) {
            declined.remove(address);
            return false;
        }
        return true;
    }

    private void bind(long mac, int address, long expires, boolean bound) {
        Lease old = byMac.get(mac);
        if (old != null && old.address() != address) byAddress.remove(old.address());
        Lease lease = new Lease(mac, address, expires, bound);
        byMac.put(mac, lease);
        byAddress.put(address, lease);
    }

    private void release(Lease lease) {
        byMac.remove(lease.mac(), lease);
        byAddress.remove(lease.address(), lease);
    }

    /** Writes a BOOTREPLY frame for the request at {@code p}; RFC 2131 §4.1 picks the destination. */
    private int reply(byte[] frame, int p, byte[] out, int type, int yiaddr, long mac) {
        int ciaddr = DhcpMessage.ciaddr(frame, p);
        int flags = DhcpMessage.flags(frame, p);
        int q = FrameBuilder.udpPayloadOffset();
        int i = DhcpMessage.writeHeader(out, q, DhcpMessage.BOOTREPLY, DhcpMessage.xid(frame, p), flags,
                type == DhcpMessage.ACK && yiaddr == 0 ? ciaddr : 0, yiaddr,
                type == DhcpMessage.NAK ? 0 : config.serverAddress(), mac);
        i = DhcpMessage.putByte(out, i, DhcpMessage.OPT_MESSAGE_TYPE, type);
        i = DhcpMessage.putInt(out, i, DhcpMessage.OPT_SERVER_ID, config.serverAddress());
        if (type == DhcpMessage.NAK) {
            i = DhcpMessage.putText(out, i, DhcpMessage.OPT_MESSAGE, "address not available; restart with DISCOVER");
        } else {
            if (yiaddr != 0) {
                int lease = (int) Math.min(config.leaseTime().toSeconds(), 0x7FFF_FFFF);
                i = DhcpMessage.putInt(out, i, DhcpMessage.OPT_LEASE_TIME, lease);
                i = DhcpMessage.putInt(out, i, DhcpMessage.OPT_RENEWAL, lease / 2);
                i = DhcpMessage.putInt(out, i, DhcpMessage.OPT_REBINDING, lease / 8 * 7);
            }
            i = DhcpMessage.putInt(out, i, DhcpMessage.OPT_SUBNET_MASK, config.subnetMask());
            if (routers.length > 0) i = DhcpMessage.putAddresses(out, i, DhcpMessage.OPT_ROUTER, routers);
            if (dns.length > 0) i = DhcpMessage.putAddresses(out, i, DhcpMessage.OPT_DNS, dns);
            if (config.domain() != null) i = DhcpMessage.putText(out, i, DhcpMessage.OPT_DOMAIN, config.domain());
            if (config.mtu() > 0) {
                out[i] = DhcpMessage.OPT_MTU; out[i + 1] = 2; out[i + 2] = (byte) (config.mtu() >>> 8); out[i + 3] = (byte) config.mtu();
                i += 4;
            }
        }
        i = DhcpMessage.putEnd(out, i);
        int payload = Math.max(i - q, 300); // BOOTP minimum message size; some clients insist
        java.util.Arrays.fill(out, i, q + payload, (byte) 0);

        boolean broadcast = type == DhcpMessage.NAK || (ciaddr == 0 && (flags & DhcpMessage.FLAG_BROADCAST) != 0);
        int destinationIp = broadcast ? -1 : ciaddr != 0 ? ciaddr : yiaddr;
        long destinationMac = broadcast ? MacAddress.BROADCAST : mac;
        return FrameBuilder.udp(out, destinationMac, config.serverMac(), config.serverAddress(), destinationIp,
                DhcpMessage.SERVER_PORT, DhcpMessage.CLIENT_PORT, payload);
    }

    private int answerArp(byte[] frame, byte[] out) {
        int a = view.l3Offset();
        boolean request = frame[a + 6] == 0 && frame[a + 7] == FrameBuilder.ARP_REQUEST;
        if (!request || Ipv4.read(frame, a + 24) != config.serverAddress()) return 0;
        long senderMac = MacAddress.read(frame, a + 8);
        int senderIp = Ipv4.read(frame, a + 14);
        return FrameBuilder.arp(out, FrameBuilder.ARP_REPLY, config.serverMac(), config.serverAddress(), senderMac, senderIp);
    }

    /** Current leases (offered and bound), for {@code vireo net info}. */
    public List<Lease> leases() {
        return new ArrayList<>(byMac.values());
    }
}
