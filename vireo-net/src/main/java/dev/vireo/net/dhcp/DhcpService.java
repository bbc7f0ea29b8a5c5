package dev.vireo.net.dhcp;

import dev.vireo.net.vswitch.PortVlan;
import dev.vireo.net.vswitch.SwitchPort;
import dev.vireo.net.vswitch.VirtualSwitch;

import java.util.List;

/**
 * Runs a {@link DhcpServer} as a port of a virtual switch (port name {@value #PORT_NAME}):
 * frames the switch sends to the port are handed to the server on the port's egress thread,
 * and replies go back into the switch from there. Used by host-only and internal networks.
 */
public final class DhcpService implements AutoCloseable {
    public static final String PORT_NAME = "dhcp";

    private final DhcpServer server;
    private final SwitchPort port;
    private final byte[] reply = new byte[2048];

    private DhcpService(DhcpServer server, VirtualSwitch network, int vlan) {
        this.server = server;
        this.port = network.attach(PORT_NAME, new PortVlan.Access(vlan), null, this::onFrame);
    }

    /** Attaches a DHCP server for {@code config} to {@code network}'s VLAN {@code vlan}. */
    public static DhcpService attach(VirtualSwitch network, DhcpConfig config, int vlan) {
        return new DhcpService(new DhcpServer(config, System::nanoTime), network, vlan);
    }

    // Called only on the port's egress thread, so the server needs no lock of its own.
    private void onFrame(byte[] frame, int offset, int length) {
        int n;
        synchronized (server) {
            n = server.handle(frame, offset, length, reply);
        }
        if (n > 0) port.receive(reply, 0, n);
    }

    public List<DhcpServer.Lease> leases() {
        synchronized (server) {
            return server.leases();
        }
    }

    @Override
    public void close() {
        port.close();
    }
}
