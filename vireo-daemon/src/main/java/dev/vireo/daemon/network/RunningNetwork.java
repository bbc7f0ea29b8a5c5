package dev.vireo.daemon.network;

import dev.vireo.daemon.registry.NetworkRecord;
import dev.vireo.net.acl.Acl;
import dev.vireo.net.acl.AclFile;
import dev.vireo.net.dhcp.DhcpConfig;
import dev.vireo.net.dhcp.DhcpService;
import dev.vireo.net.frame.MacAddress;
import dev.vireo.net.transport.NetworkPaths;
import dev.vireo.net.transport.SeqpacketListener;
import dev.vireo.net.transport.SwitchServer;
import dev.vireo.net.uplink.Uplinks;
import dev.vireo.net.vswitch.PortVlan;
import dev.vireo.net.vswitch.SwitchPort;
import dev.vireo.net.vswitch.VirtualSwitch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The switch the daemon runs for an internal or host-only network: the same
 * {@link VirtualSwitch} and {@link SwitchServer} as {@code vireo net serve}, listening on
 * {@code VIREO_HOME/net/NAME.sock}, plus Vireo's DHCP (internal with a dhcp address) or the
 * host TAP with DHCP (host-only), with the network's per-port ACLs. VMMs join it as
 * {@code --nic switch=NAME}.
 */
final class RunningNetwork implements AutoCloseable {
    private final VirtualSwitch network;
    private final Path socket;
    private final DhcpService dhcp;
    private final List<AutoCloseable> resources;

    private RunningNetwork(VirtualSwitch network, Path socket, DhcpService dhcp, List<AutoCloseable> resources) {
        this.network = network;
        this.socket = socket;
        this.dhcp = dhcp;
        this.resources = resources;
    }

    /** Starts the switch of {@code record}; on failure closes what it opened and throws. */
    static RunningNetwork start(Path vireoHome, NetworkRecord record, NetworkMode mode) throws IOException {
        List<AutoCloseable> resources = new ArrayList<>();
        VirtualSwitch network = new VirtualSwitch(VirtualSwitch.Config.defaults(record.name()));
        resources.add(network);
        try {
            DhcpService dhcp = null;
            switch (mode) {
                case internal -> {
                    if (record.dhcp() != null) {
                        Cidr cidr = Cidr.parse(record.dhcp(), "--dhcp");
                        dhcp = DhcpService.attach(network, DhcpConfig.forSubnet(cidr.address(),
                                MacAddress.derive("dhcp:" + record.name()), cidr.prefix(), false), PortVlan.DEFAULT_VLAN);
                        resources.add(dhcp);
                    }
                }
                case hostonly -> {
                    Cidr cidr = Cidr.parse(record.hostAddress(), "--subnet");
                    Uplinks.HostOnly hostOnly = Uplinks.hostOnly(network, Uplinks.tapName(record.name()), cidr.address(), cidr.prefix(), null);
                    resources.add(hostOnly);
                    dhcp = hostOnly.dhcp();
                }
                case nat, bridge -> throw new IllegalArgumentException("a " + mode + " network has no switch");
            }
            Path socket = NetworkPaths.socket(vireoHome, record.name());
            NetworkPaths.prepare(socket);
            Map<String, Acl> acls = record.acl() == null ? Map.of() : NetworkManager.parseAcl(record.name(), record.acl());
            resources.add(SwitchServer.start(network, SeqpacketListener.bind(socket, SwitchServer.capacity(network)),
                    port -> acls.getOrDefault(port, acls.get(AclFile.ANY_PORT)), port -> PortVlan.access()));
            return new RunningNetwork(network, socket, dhcp, resources);
        } catch (IOException | RuntimeException e) {
            closeAll(resources);
            throw e;
        }
    }

    Path socket() { return socket; }

    List<String> ports() { return network.ports().stream().map(SwitchPort::name).toList(); }

    int leases() { return dhcp == null ? 0 : dhcp.leases().size(); }

    @Override
    public void close() { closeAll(resources); }

    private static void closeAll(List<AutoCloseable> resources) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                System.err.println("vireod: closing a network resource failed: " + e.getMessage());
            }
        }
        resources.clear();
    }
}
