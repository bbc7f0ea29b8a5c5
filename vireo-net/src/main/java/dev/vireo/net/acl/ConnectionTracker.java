package dev.vireo.net.acl;

import dev.vireo.net.frame.EtherType;
import dev.vireo.net.frame.PacketView;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Connection tracking for stateful ACLs: a table of TCP, UDP and ICMP-echo flows keyed by
 * the 5-tuple (protocol, both addresses, both ports; the echo identifier stands in for ports),
 * stored direction-independent so a reply finds the entry its request created.
 *
 * <p>Timeouts: TCP {@value #TCP_SECONDS} s idle (10 s after FIN or RST), UDP {@value #UDP_SECONDS} s,
 * ICMP {@value #ICMP_SECONDS} s. The table holds at most {@code capacity} flows; when full and
 * nothing has expired, new flows are not tracked (their replies then meet the ACL as new
 * traffic) and {@link #overflows()} counts them. Not thread-safe: the switch calls it under
 * its lock. Lookups of existing flows allocate nothing.
 */
public final class ConnectionTracker {
    static final long TCP_SECONDS = 300, UDP_SECONDS = 60, ICMP_SECONDS = 30, CLOSING_SECONDS = 10;
    private static final int TCP_FIN = 1, TCP_RST = 4;

    private final int capacity;
    private final Map<FlowKey, FlowKey> flows = new HashMap<>();
    private final FlowKey probe = new FlowKey();
    private long overflows;

    public ConnectionTracker(int capacity) {
        this.capacity = capacity;
    }

    /** Whether connection tracking applies: TCP, UDP and ICMP echo, first fragments only. */
    public static boolean trackable(PacketView p) {
        if (p.ipVersion() == 0 || (p.fragment() && p.sourcePort() == 0 && p.destinationPort() == 0)) return false;
        return p.protocol() == EtherType.PROTO_TCP || p.protocol() == EtherType.PROTO_UDP || p.isEcho();
    }

    /** Whether {@code p} belongs to a live flow; refreshes it (and notes TCP teardown) if so. */
    public boolean established(PacketView p, long nowNanos) {
        if (!trackable(p)) return false;
        probe.set(p);
        FlowKey flow = flows.get(probe);
        if (flow == null) return false;
        if (nowNanos - flow.expiresAt > 0) {
            flows.remove(flow);
            return false;
        }
        if (p.protocol() == EtherType.PROTO_TCP && (p.tcpFlags() & (TCP_FIN | TCP_RST)) != 0) flow.closing = true;
        flow.expiresAt = nowNanos + timeout(flow);
        return true;
    }

    /** Records the flow of an allowed packet {@code p}. */
    public void track(PacketView p, long nowNanos) {
        if (!trackable(p)) return;
        probe.set(p);
        if (flows.containsKey(probe)) return;
        if (flows.size() >= capacity) {
            expire(nowNanos);
            if (flows.size() >= capacity) {
                overflows++;
                return;
            }
        }
        FlowKey flow = new FlowKey();
        flow.set(p);
        flow.expiresAt = nowNanos + timeout(flow);
        flows.put(flow, flow);
    }

    /** Drops expired flows; the switch calls this periodically. */
    public void expire(long nowNanos) {
        for (Iterator<FlowKey> it = flows.keySet().iterator(); it.hasNext(); )
            if (nowNanos - it.next().expiresAt > 0) it.remove();
    }

    /** Forgets every flow: after an ACL change old permissions must not linger. */
    public void clear() {
        flows.clear();
    }

    public int size() { return flows.size(); }

    public long overflows() { return overflows; }

    private static long timeout(FlowKey flow) {
        long seconds = switch (flow.protocol) {
            case EtherType.PROTO_TCP -> flow.closing ? CLOSING_SECONDS : TCP_SECONDS;
            case EtherType.PROTO_UDP -> UDP_SECONDS;
            default -> ICMP_SECONDS;
        };
        return TimeUnit.SECONDS.toNanos(seconds);
    }

    /** The direction-independent 5-tuple: endpoint "a" is the smaller (address, port). */
    private static final class FlowKey {
        int version, protocol;
        long aHigh, aLow, bHigh, bLow;
        int aPort, bPort;
        long expiresAt;
        boolean closing;

        void set(PacketView p) {
            version = p.ipVersion();
            protocol = p.protocol();
            long sh = p.sourceHigh(), sl = p.sourceLow(), dh = p.destinationHigh(), dl = p.destinationLow();
            int sp = p.sourcePort(), dp = p.destinationPort();
            int order = Long.compareUnsigned(sh, dh);
            if (order == 0) order = Long.compareUnsigned(sl, dl);
            if (order == 0) order = Integer.compare(sp, dp);
            if (order <= 0) {
                aHigh = sh; aLow = sl; aPort = sp; bHigh = dh; bLow = dl; bPort = dp;
            } else {
                aHigh = dh; aLow = dl; aPort = dp; bHigh = sh; bLow = sl; bPort = sp;
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof FlowKey k && k.version == version && k.protocol == protocol
                    && k.aHigh == aHigh && k.aLow == aLow && k.bHigh == bHigh && k.bLow == bLow
                    && k.aPort == aPort && k.bPort == bPort;
        }

        @Override
        public int hashCode() {
            long h = aHigh * 31 + aLow;
            h = h * 31 + bHigh;
            h = h * 31 + bLow;
            h = h * 31 + ((long) aPort << 16 | bPort);
            h = h * 31 + (protocol << 4 | version);
            return Long.hashCode(h * 0x9E3779B97F4A7C15L);
        }
    }
}
