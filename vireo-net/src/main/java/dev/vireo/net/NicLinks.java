package dev.vireo.net;

import dev.vireo.machine.net.FrameLink;
import dev.vireo.net.ratelimit.RateLimitedLink;
import dev.vireo.net.transport.NetworkPaths;
import dev.vireo.net.transport.SwitchClient;
import dev.vireo.net.uplink.PasstUplink;
import dev.vireo.net.uplink.Uplinks;

import java.io.IOException;
import java.nio.file.Path;

/** Opens the {@link FrameLink} a {@link NicSpec} asks for; the VM process calls this once per NIC. */
public final class NicLinks {
    /** Largest frame a VM NIC sends or receives: MTU 1500 + Ethernet header + one VLAN tag. */
    public static final int MAX_FRAME = 1522;

    private NicLinks() {}

    public static FrameLink open(NicSpec spec, String vmName, Path vireoHome) throws IOException {
        FrameLink link = openMode(spec, vmName, vireoHome);
        return spec.rate() == 0 ? link : new RateLimitedLink(link, spec.rate());
    }

    private static FrameLink openMode(NicSpec spec, String vmName, Path vireoHome) throws IOException {
        return switch (spec.mode()) {
            case NicSpec.Mode.Nat nat -> PasstUplink.start(vmName, nat.forwards());
            case NicSpec.Mode.Switch s -> SwitchClient.connect(NetworkPaths.socket(vireoHome, s.network()), vmName, MAX_FRAME);
            case NicSpec.Mode.HostOnly h -> SwitchClient.connect(NetworkPaths.socket(vireoHome, h.network()), vmName, MAX_FRAME);
            case NicSpec.Mode.Bridge b -> Uplinks.bridged(b.bridge(), Uplinks.tapName(vmName), null);
            case NicSpec.Mode.Network n -> throw new IOException("network=" + n.name() + " names a network of the daemon: define the VM"
                    + " with vireo vm create … --nic network=" + n.name() + ", or join a switch of vireo net serve with switch=NAME");
        };
    }
}
