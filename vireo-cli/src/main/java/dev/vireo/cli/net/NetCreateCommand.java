package dev.vireo.cli.net;

import dev.vireo.cli.DaemonCalls;
import dev.vireo.cli.Main;
import dev.vireo.cli.VireoCliException;
import dev.vireo.daemon.network.NetworkSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code vireo net create NAME --mode nat|internal|hostonly|bridge [--dhcp A/P] [--subnet A/P] [--bridge BR] [--acl FILE]}. */
@Command(name = "create", mixinStandardHelpOptions = true,
        description = "Define a named network in the daemon; VMs join it with --nic network=NAME.")
final class NetCreateCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME") String name;

    @Option(names = "--mode", required = true, paramLabel = "MODE",
            description = "nat (a passt per VM NIC), internal (a switch in the daemon, VMs only), "
                    + "hostonly (a switch with a host TAP and Vireo's DHCP; root), bridge (a TAP per VM NIC on --bridge; root)")
    String mode;

    @Option(names = "--dhcp", paramLabel = "ADDR/PREFIX", description = "internal: serve DHCP from ADDR, e.g. 10.10.0.1/24")
    String dhcp;

    @Option(names = "--subnet", paramLabel = "ADDR/PREFIX", description = "hostonly: the host's address, e.g. 192.168.56.1/24")
    String subnet;

    @Option(names = "--bridge", paramLabel = "BRIDGE", description = "bridge: an existing host bridge, e.g. br0")
    String bridge;

    @Option(names = "--acl", paramLabel = "FILE", description = "internal, hostonly: per-port ACLs (the format of vireo net serve --acl)")
    Path acl;

    @Override
    public Integer call() {
        String aclText = null;
        if (acl != null) {
            try {
                aclText = Files.readString(acl);
            } catch (IOException e) {
                throw new VireoCliException("cannot read ACL file " + acl + ": " + e.getMessage(), Main.EXIT_USAGE);
            }
        }
        var network = DaemonCalls.call("POST", "/api/networks", new NetworkSpec(name, mode, dhcp, subnet, bridge, aclText));
        String socket = network.path("socket").asText("");
        System.out.println("created network '" + network.path("name").asText() + "' (" + network.path("mode").asText() + ")"
                + (socket.isEmpty() ? "" : ", switch at " + socket) + "; attach VMs with --nic network=" + name);
        return Main.EXIT_OK;
    }
}
