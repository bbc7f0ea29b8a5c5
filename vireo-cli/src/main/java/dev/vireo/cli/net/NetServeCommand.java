package dev.vireo.cli.net;

import dev.vireo.cli.Main;
import dev.vireo.cli.VireoCliException;
import dev.vireo.net.acl.Acl;
import dev.vireo.net.acl.AclFile;
import dev.vireo.net.dhcp.DhcpConfig;
import dev.vireo.net.dhcp.DhcpService;
import dev.vireo.net.frame.Ipv4;
import dev.vireo.net.frame.MacAddress;
import dev.vireo.net.transport.NetworkPaths;
import dev.vireo.net.transport.SeqpacketListener;
import dev.vireo.net.transport.SwitchServer;
import dev.vireo.net.uplink.TapDevice;
import dev.vireo.net.uplink.UplinkException;
import dev.vireo.net.uplink.Uplinks;
import dev.vireo.net.vswitch.PortVlan;
import dev.vireo.net.vswitch.SwitchPort;
import dev.vireo.net.vswitch.VirtualSwitch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;

/**
 * {@code vireo net serve NAME}: runs network NAME's switch in the foreground, listening on
 * {@code $VIREO_HOME/net/NAME.sock} for VM NICs ({@code --nic switch=NAME}) and captures.
 * Ctrl-C stops it and prints per-port counters.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run virtual switch NAME in the foreground; VMs join with --nic switch=NAME.")
final class NetServeCommand implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "Network name (letters, digits, '.', '_', '-').")
    String name;

    @Option(names = "--acl", paramLabel = "FILE", description = "Per-port ACL file (see docs/networking.md).")
    Path aclFile;

    @Option(names = "--dhcp", paramLabel = "ADDR/PREFIX",
            description = "Serve DHCP on this internal network from ADDR, e.g. 10.10.0.1/24 (no router is announced).")
    String dhcp;

    @Option(names = "--host-only", paramLabel = "ADDR/PREFIX",
            description = "Host-only: create a TAP with this host address (e.g. 192.168.56.1/24) and serve DHCP. Needs root.")
    String hostOnly;

    @Option(names = "--bridge", paramLabel = "BRIDGE", description = "Bridged: enslave a TAP of this switch to host bridge BRIDGE. Needs root.")
    String bridge;

    @Option(names = "--mtu", paramLabel = "BYTES", description = "MTU of the network (default 1500).")
    int mtu = 1500;

    @Option(names = "--socket", paramLabel = "PATH", description = "Listen here instead of $VIREO_HOME/net/NAME.sock.")
    Path socket;

    @Override
    public Integer call() throws Exception {
        if (hostOnly != null && bridge != null)
            throw new VireoCliException("choose one uplink: --host-only or --bridge", Main.EXIT_USAGE);
        Map<String, Acl> acls;
        try {
            acls = aclFile == null ? Map.of() : AclFile.read(aclFile);
        } catch (IllegalArgumentException e) {
            throw new VireoCliException("ACL file: " + e.getMessage(), Main.EXIT_USAGE);
        } catch (IOException e) {
            throw new VireoCliException("cannot read ACL file " + aclFile + ": " + e.getMessage());
        }
        VirtualSwitch.Config defaults = VirtualSwitch.Config.defaults(name);
        VirtualSwitch.Config config;
        try {
            config = new VirtualSwitch.Config(name, mtu, defaults.macAgeing(), defaults.maxPorts(), defaults.macTableSize(),
                    defaults.macsPerPort(), defaults.queueFrames(), defaults.conntrackSize());
        } catch (IllegalArgumentException e) {
            throw new VireoCliException(e.getMessage(), Main.EXIT_USAGE);
        }
        Path path = socket != null ? socket : NetworkPaths.socket(name);
        List<AutoCloseable> resources = new ArrayList<>();
        VirtualSwitch network = new VirtualSwitch(config);
        resources.add(network);
        try {
            if (dhcp != null) {
                int[] cidr = cidr(dhcp, "--dhcp");
                resources.add(DhcpService.attach(network,
                        DhcpConfig.forSubnet(cidr[0], MacAddress.derive("dhcp:" + name), cidr[1], false), PortVlan.DEFAULT_VLAN));
            }
            if (hostOnly != null) {
                int[] cidr = cidr(hostOnly, "--host-only");
                resources.add(Uplinks.hostOnly(network, Uplinks.tapName(name), cidr[0], cidr[1], null));
            }
            if (bridge != null) {
                TapDevice tap = Uplinks.bridged(bridge, Uplinks.tapName(name), null);
                resources.add(tap);
                Uplinks.attach(network, Uplinks.UPLINK_PORT, tap);
            }
            NetworkPaths.prepare(path);
            SwitchServer server = SwitchServer.start(network, SeqpacketListener.bind(path, SwitchServer.capacity(network)),
                    port -> acls.getOrDefault(port, acls.get(AclFile.ANY_PORT)), port -> PortVlan.access());
            resources.add(server);
            System.out.println("network '" + name + "' serving at " + path + " (Ctrl-C stops it)");
            System.out.flush();
            CountDownLatch stop = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                stop.countDown();
                printStats(network);
                closeAll(resources);
            }, "vireo-net-serve-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            stop.await();
            return Main.EXIT_OK;
        } catch (UplinkException | IOException e) {
            closeAll(resources);
            throw new VireoCliException("network '" + name + "': " + e.getMessage());
        } catch (IllegalArgumentException e) {
            closeAll(resources);
            throw new VireoCliException(e.getMessage(), Main.EXIT_USAGE);
        }
    }

    private static int[] cidr(String text, String option) {
        int slash = text.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException(option + " '" + text + "' needs a prefix, e.g. 10.10.0.1/24");
        try {
            return new int[] {Ipv4.parse(text.substring(0, slash)), Integer.parseInt(text.substring(slash + 1))};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " '" + text + "' needs a numeric prefix, e.g. 10.10.0.1/24");
        }
    }

    private static void printStats(VirtualSwitch network) {
        System.out.printf("%-16s %10s %10s %10s%n", "PORT", "RX", "TX", "DROPPED");
        for (SwitchPort p : network.ports()) {
            SwitchPort.PortStats s = p.stats();
            System.out.printf("%-16s %10d %10d %10d%n", s.name(), s.receivedFrames(), s.sentFrames(), s.totalDrops());
            if (p.acl().rules().size() > 0) System.out.print(p.acl().describe());
        }
        System.out.flush();
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                // Best effort on shutdown.
            }
        }
        resources.clear();
    }

}
