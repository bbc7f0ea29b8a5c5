package dev.vireo.net.vswitch;

import dev.vireo.net.acl.Acl;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One port of a {@link VirtualSwitch}: a VM NIC, an uplink, the DHCP service. Frames from the
 * port's owner enter with {@link #receive}; frames for it leave through its bounded
 * {@link EgressQueue} to its {@link FrameSink}. Counters are per port.
 *
 * <p>Threads: {@link #receive} from the owner's reader thread (any single thread at a time
 * per port); the egress thread calls the sink.
 */
public final class SwitchPort implements AutoCloseable {
    private final VirtualSwitch owner;
    private final int index;
    private final String name;
    private final PortVlan vlan;
    final EgressQueue egress;
    private volatile Acl acl;
    private final AtomicLong receivedFrames = new AtomicLong(), receivedBytes = new AtomicLong();
    private final AtomicLongArray drops = new AtomicLongArray(DropReason.values().length);
    private volatile boolean closed;

    SwitchPort(VirtualSwitch owner, int index, String name, PortVlan vlan, Acl acl, EgressQueue egress) {
        this.owner = owner;
        this.index = index;
        this.name = name;
        this.vlan = vlan;
        this.acl = acl;
        this.egress = egress;
    }

    /** A frame from this port's owner; the switch validates, filters and forwards it. */
    public void receive(byte[] frame, int offset, int length) {
        if (closed) return;
        receivedFrames.incrementAndGet();
        receivedBytes.addAndGet(length);
        owner.ingress(this, frame, offset, length);
    }

    public String name() { return name; }

    public int index() { return index; }

    public PortVlan vlan() { return vlan; }

    public Acl acl() { return acl; }

    /** Replaces the ACL; the switch forgets tracked connections so old permissions lapse. */
    public void setAcl(Acl acl) {
        this.acl = acl;
        owner.aclChanged();
    }

    void drop(DropReason reason) {
        drops.incrementAndGet(reason.ordinal());
    }

    public long drops(DropReason reason) {
        long n = drops.get(reason.ordinal());
        return switch (reason) {
            case QUEUE_FULL -> n + egress.fullDrops();
            case LINK_ERROR -> n + egress.sinkErrors();
            default -> n;
        };
    }

    /** A snapshot of this port's counters. */
    public PortStats stats() {
        Map<DropReason, Long> byReason = new EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.values()) byReason.put(r, drops(r));
        return new PortStats(name, receivedFrames.get(), receivedBytes.get(), egress.sentFrames(), egress.sentBytes(), byReason);
    }

    boolean isClosed() { return closed; }

    /** Detaches the port: its MAC entries are forgotten and its egress thread stops. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        owner.detach(this);
        egress.close();
    }

    /** Counters of one port: received = from the owner into the switch; sent = to the owner. */
    public record PortStats(String name, long receivedFrames, long receivedBytes, long sentFrames, long sentBytes,
                            Map<DropReason, Long> drops) {
        public long totalDrops() {
            return drops.values().stream().mapToLong(Long::longValue).sum();
        }
    }
}
