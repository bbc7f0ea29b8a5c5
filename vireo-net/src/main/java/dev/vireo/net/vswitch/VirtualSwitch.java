package dev.vireo.net.vswitch;

import dev.vireo.net.acl.Acl;
import dev.vireo.net.acl.AclAction;
import dev.vireo.net.acl.ConnectionTracker;
import dev.vireo.net.acl.Direction;
import dev.vireo.net.frame.MacAddress;
import dev.vireo.net.frame.PacketView;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A learning Ethernet switch (IEEE 802.1D/802.1Q behaviour) for one virtual network.
 *
 * <p>Per frame, in the thread of the port that received it and under the switch lock:
 * validate (runt, oversized, malformed → drop and count), classify into a VLAN (access or
 * trunk), mirror, learn the source MAC, check connection tracking and the ingress port's ACL
 * (direction OUT), then forward to the learned port or flood to every port of the VLAN,
 * checking each egress port's ACL (direction IN) and copying into its bounded queue with the
 * right tagging. A frame allowed by the ACLs opens a tracked connection so replies pass.
 * The path allocates nothing per frame.
 */
public final class VirtualSwitch implements AutoCloseable {
    /** Switch settings, validated once. */
    public record Config(String name, int mtu, Duration macAgeing, int maxPorts, int macTableSize,
                         int macsPerPort, int queueFrames, int conntrackSize) {
        public Config {
            if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}"))
                throw new IllegalArgumentException("network name '" + name
                        + "' must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
            if (mtu < 576 || mtu > 9000) throw new IllegalArgumentException("MTU " + mtu + " must be 576..9000");
            if (maxPorts < 1 || queueFrames < 1 || macTableSize < 1 || macsPerPort < 1 || conntrackSize < 1)
                throw new IllegalArgumentException("switch limits must be positive");
        }

        /** Defaults: MTU 1500, ageing 300 s, 64 ports, 4096 MACs (256 per port), 256-frame queues, 16384 flows. */
        public static Config defaults(String name) {
            return new Config(name, 1500, Duration.ofSeconds(300), 64, 4096, 256, 256, 16384);
        }

        /** Largest frame accepted: MTU + Ethernet header + one 802.1Q tag. */
        public int maxFrame() {
            return mtu + PacketView.ETHERNET_HEADER + PacketView.VLAN_TAG;
        }
    }

    private static final long SWEEP_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Config config;
    private final LongSupplier clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final PacketView view = new PacketView();                 // guarded by lock
    private final SwitchPort[] ports;                                  // guarded by lock
    private final MacTable macTable;                                   // guarded by lock
    private final ConnectionTracker conntrack;                         // guarded by lock
    private final List<Mirror> mirrors = new CopyOnWriteArrayList<>();
    private long lastSweep;

    public VirtualSwitch(Config config) {
        this(config, System::nanoTime);
    }

    /** With an explicit monotonic clock in nanoseconds (tests age entries with it). */
    public VirtualSwitch(Config config, LongSupplier clock) {
        this.config = config;
        this.clock = clock;
        this.ports = new SwitchPort[config.maxPorts()];
        this.macTable = new MacTable(config.macTableSize(), config.maxPorts(), config.macsPerPort(),
                config.macAgeing().toNanos());
        this.conntrack = new ConnectionTracker(config.conntrackSize());
        this.lastSweep = clock.getAsLong();
    }

    public Config config() { return config; }

    public String name() { return config.name(); }

    /**
     * Attaches a port named {@code name} (unique on this switch) whose frames go to {@code sink}.
     * Throws {@link IllegalStateException} when the name is taken or the switch is full.
     */
    public SwitchPort attach(String name, PortVlan vlan, Acl acl, FrameSink sink) {
        lock.lock();
        try {
            int free = -1;
            for (int i = 0; i < ports.length; i++) {
                if (ports[i] == null) {
                    if (free < 0) free = i;
                } else if (ports[i].name().equals(name)) {
                    throw new IllegalStateException("port '" + name + "' is already attached to network '"
                            + name() + "'; stop the VM using it or choose another NIC name");
                }
            }
            if (free < 0) throw new IllegalStateException("network '" + name() + "' has all " + ports.length
                    + " ports in use; detach a VM or raise maxPorts");
            EgressQueue queue = new EgressQueue("vswitch-" + name() + "-" + name, config.queueFrames(),
                    config.maxFrame(), sink);
            SwitchPort port = new SwitchPort(this, free, name, vlan, acl == null ? Acl.ALLOW_ALL : acl, queue);
            ports[free] = port;
            return port;
        } finally {
            lock.unlock();
        }
    }

    /** Mirrors frames of port {@code portName} (null: all ports) to {@code sink}. */
    public Mirror mirror(String portName, FrameSink sink) {
        EgressQueue queue = new EgressQueue("vswitch-" + name() + "-mirror", Math.max(config.queueFrames(), 1024),
                config.maxFrame(), sink);
        Mirror mirror = new Mirror(this, portName, queue);
        mirrors.add(mirror);
        return mirror;
    }

    /** The attached port called {@code name}, or null. */
    public SwitchPort port(String name) {
        lock.lock();
        try {
            for (SwitchPort p : ports) if (p != null && p.name().equals(name)) return p;
            return null;
        } finally {
            lock.unlock();
        }
    }

    public List<SwitchPort> ports() {
        lock.lock();
        try {
            List<SwitchPort> list = new ArrayList<>();
            for (SwitchPort p : ports) if (p != null) list.add(p);
            return list;
        } finally {
            lock.unlock();
        }
    }

    /** Learned MAC entries (for tests and {@code vireo net info}). */
    public int macEntries() {
        lock.lock();
        try {
            return macTable.size();
        } finally {
            lock.unlock();
        }
    }

    /** The port index the switch would forward {@code mac} in {@code vlan} to, or -1. */
    public int lookup(int vlan, long mac) {
        lock.lock();
        try {
            return macTable.lookup(MacTable.key(vlan, mac), clock.getAsLong());
        } finally {
            lock.unlock();
        }
    }

    public int trackedConnections() {
        lock.lock();
        try {
            return conntrack.size();
        } finally {
            lock.unlock();
        }
    }

    void ingress(SwitchPort in, byte[] frame, int offset, int length) {
        lock.lock();
        try {
            long now = clock.getAsLong();
            if (now - lastSweep > SWEEP_NANOS) {
                lastSweep = now;
                macTable.purge(-1, now);
                conntrack.expire(now);
            }
            switch (view.parse(frame, offset, length, config.maxFrame())) {
                case RUNT -> { in.drop(DropReason.RUNT); return; }
                case OVERSIZED -> { in.drop(DropReason.OVERSIZED); return; }
                case MALFORMED -> { in.drop(DropReason.MALFORMED); return; }
                case OK -> { }
            }
            int vlan = classify(in);
            if (vlan < 0) {
                in.drop(DropReason.VLAN);
                return;
            }
            for (Mirror m : mirrors) if (m.watches(in)) m.queue.offer(frame, offset, length, false, -1, 0);
            macTable.learn(MacTable.key(vlan, view.sourceMac()), in.index(), now);

            boolean established = conntrack.established(view, now);
            if (!established && in.acl().evaluate(view, Direction.OUT) == AclAction.DENY) {
                in.drop(DropReason.ACL_OUT);
                return;
            }
            boolean delivered = false;
            long destination = view.destinationMac();
            int target = MacAddress.isMulticast(destination) ? -1
                    : macTable.lookup(MacTable.key(vlan, destination), now);
            if (target >= 0) {
                if (target != in.index()) delivered = deliver(ports[target], vlan, established);
            } else {
                for (SwitchPort out : ports) {
                    if (out != null && out != in && out.vlan().carries(vlan)) delivered |= deliver(out, vlan, established);
                }
            }
            if (delivered && !established) conntrack.track(view, now);
        } finally {
            lock.unlock();
        }
    }

    /** The VLAN a frame from {@code in} belongs to, or -1 if the port may not carry it. */
    private int classify(SwitchPort in) {
        return switch (in.vlan()) {
            case PortVlan.Access a -> view.tagged() ? -1 : a.vlan();
            case PortVlan.Trunk t -> {
                if (!view.tagged()) yield t.nativeVlan() == 0 ? -1 : t.nativeVlan();
                int vlan = view.vlanId();
                yield vlan >= 1 && vlan <= 4094 && t.carries(vlan) ? vlan : -1;
            }
        };
    }

    private boolean deliver(SwitchPort out, int vlan, boolean established) {
        if (out.isClosed()) return false;
        if (!established && out.acl().evaluate(view, Direction.IN) == AclAction.DENY) {
            out.drop(DropReason.ACL_IN);
            return false;
        }
        int tag = out.vlan().egressTag(vlan);
        if (!out.egress.offer(view.buffer(), view.offset(), view.length(), view.tagged(), tag, view.priority()))
            return false; // counted by the queue as QUEUE_FULL
        for (Mirror m : mirrors) {
            if (!m.watchesAll() && m.watches(out))
                m.queue.offer(view.buffer(), view.offset(), view.length(), view.tagged(), tag, view.priority());
        }
        return true;
    }

    void detach(SwitchPort port) {
        lock.lock();
        try {
            if (ports[port.index()] == port) {
                ports[port.index()] = null;
                macTable.purge(port.index(), clock.getAsLong());
            }
        } finally {
            lock.unlock();
        }
    }

    void aclChanged() {
        lock.lock();
        try {
            conntrack.clear();
        } finally {
            lock.unlock();
        }
    }

    void removeMirror(Mirror mirror) {
        mirrors.remove(mirror);
    }

    /** Detaches every port and stops every mirror. */
    @Override
    public void close() {
        for (SwitchPort p : ports()) p.close();
        for (Mirror m : List.copyOf(mirrors)) m.close();
    }
}
