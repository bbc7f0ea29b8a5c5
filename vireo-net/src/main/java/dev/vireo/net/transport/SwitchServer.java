package dev.vireo.net.transport;

import dev.vireo.net.acl.Acl;
import dev.vireo.net.vswitch.Mirror;
import dev.vireo.net.vswitch.PortVlan;
import dev.vireo.net.vswitch.SwitchPort;
import dev.vireo.net.vswitch.VirtualSwitch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Serves a {@link VirtualSwitch} on a Unix SOCK_SEQPACKET socket so NICs in other processes
 * attach to it (see {@link Handshake} for the protocol).
 *
 * <pre>
 *  VM process (NIC)                      switch process
 *  SwitchClient ── connect ───────────▶  accept thread
 *               ── "VIREO-NET/1 port web" ▶ attach port "web" (ACL by name)
 *               ◀─ "OK" ──────────────
 *               ── frame ─────────────▶  port reader thread → switch.receive
 *               ◀─ frame ─────────────   port egress thread (bounded queue)
 *  process dies → EOF ────────────────▶  port detached, its MACs forgotten
 * </pre>
 *
 * Threads: one accept thread, and per connection a reader thread plus the port's egress thread.
 */
public final class SwitchServer implements AutoCloseable {
    private final VirtualSwitch network;
    private final SeqpacketListener listener;
    private final Function<String, Acl> acls;
    private final Function<String, PortVlan> vlans;
    private final Set<SeqpacketSocket> connections = ConcurrentHashMap.newKeySet();
    private final Thread acceptThread;

    private SwitchServer(VirtualSwitch network, SeqpacketListener listener, Function<String, Acl> acls,
                         Function<String, PortVlan> vlans) {
        this.network = network;
        this.listener = listener;
        this.acls = acls;
        this.vlans = vlans;
        this.acceptThread = Thread.ofPlatform().name("vswitch-" + network.name() + "-accept").daemon(true).start(this::acceptLoop);
    }

    /**
     * Starts serving {@code network} at {@code listener}; {@code acls} and {@code vlans} give
     * each port's ACL (null = allow all) and VLAN mode by port name.
     */
    public static SwitchServer start(VirtualSwitch network, SeqpacketListener listener,
                                     Function<String, Acl> acls, Function<String, PortVlan> vlans) {
        return new SwitchServer(network, listener, acls, vlans);
    }

    /** Message capacity for a switch: its largest frame, plus one byte to recognise oversized ones. */
    public static int capacity(VirtualSwitch network) {
        return network.config().maxFrame() + 1;
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            SeqpacketSocket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (listener.isClosed()) return;
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000); // e.g. EMFILE: do not spin
                continue;
            }
            connections.add(socket);
            Thread.ofPlatform().name("vswitch-" + network.name() + "-conn").daemon(true).start(() -> serve(socket));
        }
    }

    private void serve(SeqpacketSocket socket) {
        byte[] buffer = new byte[capacity(network)];
        try (socket) {
            int n = socket.receive(buffer);
            if (n < 0) return;
            Handshake hello;
            try {
                hello = Handshake.decode(buffer, n);
            } catch (IOException e) {
                answer(socket, "ERROR " + e.getMessage());
                return;
            }
            switch (hello.role()) {
                case PORT -> servePort(socket, hello.name(), buffer);
                case MIRROR -> serveMirror(socket, hello.name(), buffer);
            }
        } catch (IOException e) {
            // The peer went away; its port (if any) was detached by servePort's try-with-resources.
        } finally {
            connections.remove(socket);
        }
    }

    private void servePort(SeqpacketSocket socket, String name, byte[] buffer) throws IOException {
        SwitchPort port;
        try {
            port = network.attach(name, vlans.apply(name), acls.apply(name), socket::send);
        } catch (IllegalStateException e) {
            answer(socket, "ERROR " + e.getMessage());
            return;
        }
        try (port) {
            answer(socket, "OK");
            while (true) {
                int n = socket.receive(buffer);
                if (n < 0) return;
                // n may exceed the buffer: the switch sees the true length and counts it oversized.
                port.receive(buffer, 0, n);
            }
        }
    }

    private void serveMirror(SeqpacketSocket socket, String portName, byte[] buffer) throws IOException {
        Mirror mirror = network.mirror(portName, socket::send);
        try {
            answer(socket, "OK");
            // A capture sends nothing; anything it sends is ignored. EOF ends the mirror.
            while (socket.receive(buffer) >= 0) Thread.onSpinWait();
        } finally {
            mirror.close();
        }
    }

    private static void answer(SeqpacketSocket socket, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        socket.send(bytes, 0, bytes.length);
    }

    public VirtualSwitch network() { return network; }

    /** Stops accepting, disconnects every client and removes the socket file. */
    @Override
    public void close() throws IOException {
        listener.close();
        for (SeqpacketSocket s : connections) s.close();
        try {
            acceptThread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
