package dev.vireo.net.uplink;

import dev.vireo.net.frame.EtherType;
import dev.vireo.net.frame.FrameBuilder;
import dev.vireo.net.frame.Ipv4;
import dev.vireo.net.frame.MacAddress;
import dev.vireo.net.frame.PacketView;
import dev.vireo.net.vswitch.PortVlan;
import dev.vireo.net.vswitch.SwitchPort;
import dev.vireo.net.vswitch.VirtualSwitch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Host-only and bridged networking inside network namespaces this test creates and deletes:
 * never the host's own interfaces. Needs root (or CAP_NET_ADMIN + CAP_SYS_ADMIN).
 */
class TapNamespaceTest {
    static final long GUEST_MAC = MacAddress.parse("52:54:00:00:77:01");
    final String namespace = "vireo-t" + ProcessHandle.current().pid() % 100000;
    final String tap = "vt" + ProcessHandle.current().pid() % 100000;

    @BeforeEach
    void createNamespace() throws Exception {
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "no /dev/net/tun");
        Process p = new ProcessBuilder("ip", "netns", "add", namespace).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assumeTrue(p.waitFor() == 0, "cannot create a network namespace (needs root): " + out);
        IpCommand.run(namespace, "link", "set", "dev", "lo", "up");
    }

    @AfterEach
    void deleteNamespace() throws Exception {
        new ProcessBuilder("ip", "netns", "delete", namespace).start().waitFor();
    }

    @Test
    void hostOnlyGivesTheGuestADhcpLeaseAndBothSidesReachEachOther() throws Exception {
        int host = Ipv4.parse("192.168.77.1");
        try (VirtualSwitch sw = new VirtualSwitch(VirtualSwitch.Config.defaults("ho"));
             Uplinks.HostOnly hostOnly = Uplinks.hostOnly(sw, tap, host, 24, namespace)) {
            TestGuest guest = new TestGuest(GUEST_MAC);
            SwitchPort port = sw.attach("guest", PortVlan.access(), null, guest::onFrame);
            guest.port = port;
            int address = guest.dhcp();
            assertThat(Ipv4.format(address)).isEqualTo("192.168.77.100");
            // guest → host: the namespace's kernel answers our ping on the TAP.
            assertThat(guest.ping(host)).as("host answers the guest's ping").isTrue();
            // host → guest: ping from inside the namespace; the test guest replies.
            assumeTrue(Files.isExecutable(Path.of("/usr/bin/ping")) || Files.isExecutable(Path.of("/bin/ping")),
                    "host→guest check needs ping (apt-get install iputils-ping)");
            Process ping = new ProcessBuilder("ip", "netns", "exec", namespace, "ping", "-c", "1", "-W", "3", Ipv4.format(address))
                    .redirectErrorStream(true).start();
            String out = new String(ping.getInputStream().readAllBytes());
            assertThat(ping.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(ping.exitValue()).as(out).isZero();
        }
    }

    @Test
    void bridgedTapJoinsAnExistingBridgeAndReportsAMissingOne() throws Exception {
        IpCommand.run(namespace, "link", "add", "vbr0", "type", "bridge");
        IpCommand.run(namespace, "address", "add", "10.77.0.1/24", "dev", "vbr0");
        IpCommand.run(namespace, "link", "set", "dev", "vbr0", "up");
        try (TapDevice device = Uplinks.bridged("vbr0", tap, namespace)) {
            TestGuest guest = new TestGuest(GUEST_MAC);
            device.start(guest::onFrame);
            guest.link = device;
            guest.address = Ipv4.parse("10.77.0.50");
            assertThat(guest.ping(Ipv4.parse("10.77.0.1"))).as("the bridge's host address answers").isTrue();
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Uplinks.bridged("nosuchbr", tap, namespace))
                .hasMessageContaining("does not exist");
    }

    /** A minimal guest stack: DHCP client, ARP and ICMP echo, enough to prove reachability. */
    static final class TestGuest {
        final long mac;
        final PacketView view = new PacketView();
        final byte[] out = new byte[2048];
        final java.util.concurrent.BlockingQueue<byte[]> inbox = new java.util.concurrent.LinkedBlockingQueue<>();
        SwitchPort port;
        dev.vireo.machine.net.FrameLink link;
        int address;
        final AtomicReference<Long> gatewayMac = new AtomicReference<>();

        TestGuest(long mac) {
            this.mac = mac;
        }

        void send(byte[] b, int n) {
            if (port != null) port.receive(b, 0, n);
            else link.send(b, 0, n);
        }

        synchronized void onFrame(byte[] f, int o, int l) {
            byte[] copy = java.util.Arrays.copyOfRange(f, o, o + l);
            PacketView v = new PacketView();
            if (v.parse(copy, 0, l, 2000) != PacketView.Status.OK) return;
            byte[] reply = new byte[2048];
            if (v.etherType() == EtherType.ARP && copy[v.l3Offset() + 7] == 1 && address != 0
                    && Ipv4.read(copy, v.l3Offset() + 24) == address) {
                int n = FrameBuilder.arp(reply, FrameBuilder.ARP_REPLY, mac, address, MacAddress.read(copy, v.l3Offset() + 8),
                        Ipv4.read(copy, v.l3Offset() + 14));
                send(reply, n);
                return;
            }
            if (v.protocol() == EtherType.PROTO_ICMP && v.icmpType() == 8 && v.ipv4Destination() == address) {
                int n = FrameBuilder.icmpEchoReply(reply, v.sourceMac(), mac, address, v.ipv4Source(), copy, v.l4Offset(), v.l4Length());
                send(reply, n);
                return;
            }
            inbox.add(copy);
        }

        byte[] await(java.util.function.Predicate<PacketView> wanted) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            PacketView v = new PacketView();
            while (System.nanoTime() < deadline) {
                byte[] f = inbox.poll(200, TimeUnit.MILLISECONDS);
                if (f != null && v.parse(f, 0, f.length, 2000) == PacketView.Status.OK && wanted.test(v)) return f;
            }
            return null;
        }

        int dhcp() throws InterruptedException {
            int q = FrameBuilder.udpPayloadOffset();
            int i = dev.vireo.net.dhcp.DhcpMessage.writeHeader(out, q, 1, 42, 0x8000, 0, 0, 0, mac);
            i = dev.vireo.net.dhcp.DhcpMessage.putByte(out, i, 53, 1);
            i = dev.vireo.net.dhcp.DhcpMessage.putEnd(out, i);
            send(out, FrameBuilder.udp(out, MacAddress.BROADCAST, mac, 0, -1, 68, 67, i - q));
            byte[] offer = await(v -> v.destinationPort() == 68);
            assertThat(offer).as("DHCP offer").isNotNull();
            view.parse(offer, 0, offer.length, 2000);
            int p = view.l4Offset() + 8;
            address = dev.vireo.net.dhcp.DhcpMessage.yiaddr(offer, p);
            int server = dev.vireo.net.dhcp.DhcpMessage.addressOption(offer, p, view.l4Length() - 8, 54);
            i = dev.vireo.net.dhcp.DhcpMessage.writeHeader(out, q, 1, 42, 0x8000, 0, 0, 0, mac);
            i = dev.vireo.net.dhcp.DhcpMessage.putByte(out, i, 53, 3);
            i = dev.vireo.net.dhcp.DhcpMessage.putInt(out, i, 50, address);
            i = dev.vireo.net.dhcp.DhcpMessage.putInt(out, i, 54, server);
            i = dev.vireo.net.dhcp.DhcpMessage.putEnd(out, i);
            int requested = address;
            address = 0;
            send(out, FrameBuilder.udp(out, MacAddress.BROADCAST, mac, 0, -1, 68, 67, i - q));
            byte[] ack = await(v -> v.destinationPort() == 68);
            assertThat(ack).as("DHCP ack").isNotNull();
            address = requested;
            return address;
        }

        boolean ping(int target) throws InterruptedException {
            send(out, FrameBuilder.arp(out, FrameBuilder.ARP_REQUEST, mac, address, 0, target));
            byte[] arp = await(v -> v.etherType() == EtherType.ARP && Ipv4.read(v.buffer(), v.l3Offset() + 14) == target);
            if (arp == null) return false;
            long targetMac = MacAddress.read(arp, 6);
            send(out, FrameBuilder.icmpEcho(out, targetMac, mac, address, target, 8, 0x77, 1, 32));
            return await(v -> v.protocol() == EtherType.PROTO_ICMP && v.icmpType() == 0 && v.ipv4Source() == target) != null;
        }
    }
}
