package dev.vireo.net.uplink;

import dev.vireo.machine.net.FrameLink;
import dev.vireo.net.dhcp.DhcpConfig;
import dev.vireo.net.dhcp.DhcpService;
import dev.vireo.net.frame.Ipv4;
import dev.vireo.net.frame.MacAddress;
import dev.vireo.net.vswitch.PortVlan;
import dev.vireo.net.vswitch.SwitchPort;
import dev.vireo.net.vswitch.VirtualSwitch;

/**
 * Connects frame links (TAP, passt) to switches, and builds the privileged modes:
 * host-only (a TAP with a host address plus Vireo's DHCP) and bridged (a TAP enslaved to an
 * existing host bridge). Interface names and addresses are checked before any {@code ip} call.
 */
public final class Uplinks {
    /** The port name a network's uplink takes on its switch. */
    public static final String UPLINK_PORT = "uplink";

    private Uplinks() {}

    /** Attaches {@code link} as port {@code portName}: switch → link.send, link → port.receive. */
    public static SwitchPort attach(VirtualSwitch network, String portName, FrameLink link) {
        SwitchPort port = network.attach(portName, PortVlan.access(), null, (frame, offset, length) -> link.send(frame, offset, length));
        link.start(port::receive);
        return port;
    }

    /** A host-only network's host side: the TAP, its switch port and the DHCP service. */
    public record HostOnly(TapDevice tap, SwitchPort port, DhcpService dhcp) implements AutoCloseable {
        @Override
        public void close() {
            dhcp.close();
            port.close();
            tap.close();
        }
    }

    /**
     * Creates TAP {@code tapName} with {@code hostAddress/prefix} (the host's address on the
     * network), attaches it to {@code network} and serves DHCP from the network's .2 address
     * (pool .100-.199 on a /24; no router, as VirtualBox's host-only networks). With
     * {@code namespace} non-null the TAP is moved into that network namespace first (tests).
     */
    public static HostOnly hostOnly(VirtualSwitch network, String tapName, int hostAddress, int prefix, String namespace) {
        if (prefix < 8 || prefix > 29) throw new UplinkException("host-only subnet /" + prefix + " must be /8../29");
        TapDevice tap = TapDevice.create(tapName);
        try {
            if (namespace != null) IpCommand.run(null, "link", "set", "dev", tapName, "netns", IpCommand.checkName("namespace", namespace));
            IpCommand.run(namespace, "address", "add", Ipv4.format(hostAddress) + "/" + prefix, "dev", tapName);
            IpCommand.run(namespace, "link", "set", "dev", tapName, "up");
            int network24 = hostAddress & Ipv4.mask(prefix);
            int dhcpAddress = network24 + 2 == hostAddress ? network24 + 3 : network24 + 2;
            DhcpConfig config = DhcpConfig.forSubnet(dhcpAddress, MacAddress.derive("dhcp:" + network.name()), prefix, false);
            SwitchPort port = attach(network, UPLINK_PORT, tap);
            DhcpService dhcp = DhcpService.attach(network, config, PortVlan.DEFAULT_VLAN);
            return new HostOnly(tap, port, dhcp);
        } catch (RuntimeException e) {
            tap.close();
            throw e;
        }
    }

    /** Creates TAP {@code tapName} enslaved to existing bridge {@code bridge}, up. */
    public static TapDevice bridged(String bridge, String tapName, String namespace) {
        IpCommand.checkName("bridge", bridge);
        try {
            IpCommand.run(namespace, "link", "show", "dev", bridge);
        } catch (UplinkException e) {
            throw new UplinkException("bridge '" + bridge + "' does not exist; create it first (ip link add " + bridge
                    + " type bridge) or choose another with --nic bridge=NAME", e);
        }
        TapDevice tap = TapDevice.create(tapName);
        try {
            if (namespace != null) IpCommand.run(null, "link", "set", "dev", tapName, "netns", namespace);
            IpCommand.run(namespace, "link", "set", "dev", tapName, "master", bridge);
            IpCommand.run(namespace, "link", "set", "dev", tapName, "up");
            return tap;
        } catch (RuntimeException e) {
            tap.close();
            throw e;
        }
    }

    /** A TAP name for {@code owner} (a VM or network name): "vt-" plus up to 12 safe characters. */
    public static String tapName(String owner) {
        String safe = owner.replaceAll("[^A-Za-z0-9_.-]", "");
        if (safe.length() > 12) safe = safe.substring(0, 12);
        return "vt-" + (safe.isEmpty() ? "nic" : safe);
    }
}
