package dev.vireo.daemon.network;

import dev.vireo.daemon.ApiException;
import dev.vireo.daemon.Names;
import dev.vireo.daemon.VireoHome;
import dev.vireo.daemon.registry.NetworkRecord;
import dev.vireo.daemon.registry.Registry;
import dev.vireo.daemon.registry.VmRecord;
import dev.vireo.net.NicSpec;
import dev.vireo.net.acl.Acl;
import dev.vireo.net.acl.AclFile;
import dev.vireo.net.uplink.IpCommand;
import dev.vireo.net.uplink.UplinkException;
import dev.vireo.net.uplink.Uplinks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Named networks ({@code vireo net create|list|delete}): their definitions in the registry,
 * and the switches the daemon runs for the internal and host-only ones. A VM NIC
 * {@code network=NAME} is resolved here, when the VM starts, into what its VMM opens:
 * {@code switch=NAME} (internal, hostonly: the daemon's switch at VIREO_HOME/net/NAME.sock),
 * {@code nat} (its own passt) or {@code bridge=BR} (its own TAP on the bridge).
 *
 * <p>Switches live in the daemon process: a daemon restart closes them and starts them again,
 * and running VMs' NICs reconnect by themselves (SwitchClient retries with backoff).
 * Threads: API threads; create and delete are serialized on this object.
 */
public final class NetworkManager implements AutoCloseable {
    private final VireoHome home;
    private final Registry registry;
    private final Map<String, RunningNetwork> running = new ConcurrentHashMap<>();
    /** Why a switch that should run does not (it failed to start with the daemon). */
    private final Map<String, String> failures = new ConcurrentHashMap<>();

    public NetworkManager(VireoHome home, Registry registry) {
        this.home = home;
        this.registry = registry;
    }

    /** Starts the switches of the registry's networks (daemon start); a failure is reported, not fatal. */
    public void startAll() {
        for (NetworkRecord network : registry.listNetworks()) {
            NetworkMode mode = NetworkMode.valueOf(network.mode());
            if (!mode.hasSwitch()) continue;
            try {
                running.put(network.name(), RunningNetwork.start(home.root(), network, mode));
            } catch (IOException | RuntimeException e) {
                failures.put(network.name(), e.getMessage());
                System.err.println("vireod: network '" + network.name() + "' did not start: " + e.getMessage());
            }
        }
    }

    public synchronized NetworkInfo create(NetworkSpec spec) {
        String name = Names.check("network", spec.name());
        NetworkMode mode = NetworkMode.parse(spec.mode());
        only(mode, NetworkMode.internal, "--dhcp", spec.dhcp());
        only(mode, NetworkMode.hostonly, "--subnet", spec.subnet());
        only(mode, NetworkMode.bridge, "--bridge", spec.bridge());
        if (spec.dhcp() != null) Cidr.parse(spec.dhcp(), "--dhcp");
        if (mode == NetworkMode.hostonly) {
            if (spec.subnet() == null) throw ApiException.badRequest("a hostonly network needs the host's address: give --subnet ADDR/PREFIX, e.g. 192.168.56.1/24");
            Cidr.parse(spec.subnet(), "--subnet");
        }
        if (mode == NetworkMode.bridge) checkBridge(spec.bridge());
        if (spec.acl() != null) {
            if (!mode.hasSwitch()) throw ApiException.badRequest("--acl is for internal and hostonly networks (the daemon's switches), not " + mode);
            parseAcl(name, spec.acl());
        }
        if (registry.findNetwork(name).isPresent()) {
            throw ApiException.conflict("network '" + name + "' already exists; choose another name or delete it first (vireo net delete " + name + ")");
        }
        NetworkRecord record = new NetworkRecord(name, mode.name(), spec.dhcp(), spec.subnet(), spec.bridge(), spec.acl(), Instant.now());
        RunningNetwork started = null;
        if (mode.hasSwitch()) {
            try {
                started = RunningNetwork.start(home.root(), record, mode);
            } catch (UplinkException e) {
                throw ApiException.conflict("network '" + name + "': " + (e.needsPrivilege()
                        ? "its host TAP '" + Uplinks.tapName(name) + "' needs root or CAP_NET_ADMIN; run vireod as root, or use --mode internal or nat"
                        : e.getMessage()));
            } catch (IOException e) {
                throw ApiException.conflict("network '" + name + "' cannot listen: " + e.getMessage());
            }
        }
        try {
            registry.insertNetwork(record);
        } catch (RuntimeException e) {
            if (started != null) started.close();
            throw e;
        }
        if (started != null) running.put(name, started);
        failures.remove(name);
        return info(record);
    }

    public List<NetworkInfo> list() {
        return registry.listNetworks().stream().map(this::info).toList();
    }

    public NetworkInfo info(String name) { return info(find(name)); }

    public NetworkRecord find(String name) {
        Names.check("network", name);
        return registry.findNetwork(name).orElseThrow(() -> ApiException.notFound(
                "network '" + name + "' does not exist; see vireo net list, or create it with vireo net create " + name + " --mode internal"));
    }

    /** Deletes a network no defined VM uses, stopping its switch. */
    public synchronized void delete(String name) {
        find(name);
        List<String> users = users(name);
        if (!users.isEmpty()) {
            throw ApiException.conflict("network '" + name + "' is used by vm " + quoted(users) + "; delete "
                    + (users.size() == 1 ? "that vm" : "those vms") + " first (vireo vm delete " + users.getFirst() + ")");
        }
        RunningNetwork switchOf = running.remove(name);
        if (switchOf != null) switchOf.close();
        failures.remove(name);
        registry.deleteNetwork(name);
    }

    /**
     * Checks a VM's {@code --nic} specs at definition time: each must parse, and a
     * {@code network=NAME} must name an existing network.
     */
    public void check(String vm, List<String> nics) {
        for (int i = 0; i < nics.size(); i++) {
            if (parse(vm, nics, i).mode() instanceof NicSpec.Mode.Network n) find(n.name());
        }
    }

    /**
     * The {@code --nic} values the VMM of {@code vm} gets: {@code network=NAME} becomes the
     * network's concrete mode; every spec carries its MAC explicitly (derived as
     * {@code vireo run} derives it: from the VM name for eth0, from name#index after).
     */
    public List<String> resolve(String vm, List<String> nics) {
        List<String> resolved = new ArrayList<>();
        for (int i = 0; i < nics.size(); i++) {
            NicSpec spec = parse(vm, nics, i);
            if (spec.mode() instanceof NicSpec.Mode.Network n) {
                NetworkRecord network = registry.findNetwork(n.name()).orElseThrow(() -> ApiException.conflict(
                        "vm '" + vm + "' has a NIC on network '" + n.name() + "', which no longer exists; create it again (vireo net create " + n.name() + " …)"));
                if (failures.containsKey(network.name())) {
                    throw ApiException.conflict("network '" + network.name() + "' is down (" + failures.get(network.name())
                            + "); fix that and restart the daemon, or delete and create the network again");
                }
                spec = spec.withMode(switch (NetworkMode.valueOf(network.mode())) {
                    case nat -> new NicSpec.Mode.Nat(List.of());
                    case internal -> new NicSpec.Mode.Switch(network.name());
                    case hostonly -> new NicSpec.Mode.HostOnly(network.name());
                    case bridge -> new NicSpec.Mode.Bridge(network.bridge());
                });
            }
            resolved.add(spec.toString());
        }
        return resolved;
    }

    private static NicSpec parse(String vm, List<String> nics, int index) {
        try {
            return NicSpec.parse(nics.get(index), index == 0 ? vm : vm + "#" + index);
        } catch (IllegalArgumentException | UplinkException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /** The defined VMs with a NIC on network {@code name}. */
    private List<String> users(String name) {
        List<String> users = new ArrayList<>();
        for (VmRecord vm : registry.listVms()) {
            for (int i = 0; i < vm.nics().size(); i++) {
                NicSpec spec;
                try {
                    spec = NicSpec.parse(vm.nics().get(i), vm.name());
                } catch (IllegalArgumentException | UplinkException e) {
                    continue;
                }
                if (spec.mode() instanceof NicSpec.Mode.Network n && n.name().equals(name)) {
                    users.add(vm.name());
                    break;
                }
            }
        }
        return users;
    }

    private NetworkInfo info(NetworkRecord r) {
        RunningNetwork sw = running.get(r.name());
        NetworkMode mode = NetworkMode.valueOf(r.mode());
        String state = !mode.hasSwitch() ? "per-vm" : sw != null ? "up" : "down: " + failures.getOrDefault(r.name(), "not started");
        return new NetworkInfo(r.name(), r.mode(), r.dhcp(), r.hostAddress(), r.bridge(), r.acl(), state,
                sw == null ? null : sw.socket().toString(), sw == null ? List.of() : sw.ports(), users(r.name()),
                sw == null ? 0 : sw.leases(), r.createdAt().toString());
    }

    /** Parses ACL text as {@code vireo net serve --acl} does; a mistake is a 400 naming the line. */
    static Map<String, Acl> parseAcl(String network, String text) {
        try {
            return AclFile.parse(text, "network '" + network + "' --acl");
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private static void only(NetworkMode mode, NetworkMode owner, String option, String value) {
        if (value != null && mode != owner) {
            throw ApiException.badRequest(option + " is for " + owner + " networks, not " + mode + "; drop it or use --mode " + owner);
        }
    }

    /** The bridge must exist on the daemon's host and be a bridge (sysfs has its bridge/ directory). */
    private static void checkBridge(String bridge) {
        if (bridge == null) throw ApiException.badRequest("a bridge network needs the host bridge: give --bridge BRIDGE (e.g. br0)");
        try {
            IpCommand.checkName("bridge", bridge);
        } catch (UplinkException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        Path device = Path.of("/sys/class/net", bridge);
        if (!Files.exists(device)) {
            throw ApiException.badRequest("bridge '" + bridge + "' does not exist on the daemon's host; create it first (ip link add "
                    + bridge + " type bridge) or give another --bridge");
        }
        if (!Files.isDirectory(device.resolve("bridge"))) {
            throw ApiException.badRequest("'" + bridge + "' is a network interface but not a bridge; give a bridge (ip link add br0 type bridge)");
        }
    }

    private static String quoted(List<String> names) {
        return String.join(", ", names.stream().map(n -> "'" + n + "'").toList());
    }

    /** Stops every switch (daemon shutdown); running VMs reconnect when the daemon is back. */
    @Override
    public void close() {
        for (RunningNetwork network : running.values()) network.close();
        running.clear();
    }
}
