package dev.vireo.cli.run;

import dev.vireo.cli.Main;
import dev.vireo.cli.VireoCliException;
import dev.vireo.machine.net.ReattachableLink;
import dev.vireo.machine.virtio.mmio.VirtioMmioTransport;
import dev.vireo.machine.virtio.net.NetConfig;
import dev.vireo.machine.virtio.net.NetDevice;
import dev.vireo.net.NicLinks;
import dev.vireo.net.NicSpec;
import dev.vireo.net.transport.NetworkPaths;
import dev.vireo.net.uplink.UplinkException;
import dev.vireo.riscv.machine.VirtMachine;
import dev.vireo.riscv.machine.VirtMemoryMap;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The virtio-net NICs of a {@code vireo run} VM, one per {@code --nic} (eth0, eth1, … in
 * order, in the virtio-mmio slots after the disks and the entropy device). Owns the network
 * links (passt processes, switch connections, TAPs): they are opened once and outlive guest
 * reboots; {@link #close()} ends them.
 */
public final class GuestNics implements AutoCloseable {
    public static final GuestNics NONE = new GuestNics(List.of());

    private record Nic(String name, NicSpec spec, ReattachableLink link) {}

    private final List<Nic> nics;

    private GuestNics(List<Nic> nics) {
        this.nics = nics;
    }

    /** Parses {@code --nic} values; a malformed one, or too many, is a usage error (exit 2). */
    public static List<NicSpec> parse(List<String> values, String vmName, int disks) {
        int free = VirtMemoryMap.ATTACHABLE_VIRTIO_SLOTS - 1 - disks; // one is the entropy device
        if (values.size() > free) throw new VireoCliException("only " + free + " --nic options fit beside " + disks
                + " disks (the virt machine has " + VirtMemoryMap.VIRTIO_SLOTS
                + " virtio-mmio slots: one is the power button, one the entropy device)", Main.EXIT_USAGE);
        List<NicSpec> specs = new ArrayList<>();
        Set<Long> macs = new HashSet<>();
        for (int i = 0; i < values.size(); i++) {
            try {
                // The first NIC's MAC derives from the VM name alone, later ones from name + index.
                NicSpec spec = NicSpec.parse(values.get(i), i == 0 ? vmName : vmName + "#" + i);
                if (!macs.add(spec.mac())) throw new IllegalArgumentException("--nic " + values.get(i) + " repeats a MAC address");
                specs.add(spec);
            } catch (IllegalArgumentException e) {
                throw new VireoCliException(e.getMessage(), Main.EXIT_USAGE);
            }
        }
        return specs;
    }

    /** Opens every link; if one fails, those already open are closed again. */
    public static GuestNics open(List<NicSpec> specs, String vmName) {
        List<Nic> opened = new ArrayList<>();
        try {
            for (NicSpec spec : specs) {
                String name = "eth" + opened.size();
                String port = opened.isEmpty() ? vmName : vmName + "-" + name;
                try {
                    opened.add(new Nic(name, spec, new ReattachableLink(NicLinks.open(spec, port, NetworkPaths.home()))));
                } catch (IOException | UplinkException e) {
                    throw new VireoCliException("--nic " + spec + ": " + e.getMessage());
                }
            }
            return new GuestNics(opened);
        } catch (RuntimeException e) {
            new GuestNics(opened).close();
            throw e;
        }
    }

    /** Adds one virtio-net device per NIC to a machine being built. */
    public void attach(VirtMachine.Builder builder) {
        for (Nic nic : nics) {
            builder.addVirtioMmio((ram, line) -> new VirtioMmioTransport("virtio-net " + nic.name(), ram,
                    new NetDevice(NetConfig.of(nic.name(), nic.spec().mac()), nic.link()), line));
        }
    }

    public int size() { return nics.size(); }

    @Override
    public void close() {
        for (Nic nic : nics) nic.link().closeLink();
    }
}
