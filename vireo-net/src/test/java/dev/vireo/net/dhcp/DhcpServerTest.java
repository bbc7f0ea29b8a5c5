package dev.vireo.net.dhcp;

import dev.vireo.net.frame.FrameBuilder;
import dev.vireo.net.frame.Ipv4;
import dev.vireo.net.frame.MacAddress;
import dev.vireo.net.vswitch.CollectingSink;
import dev.vireo.net.vswitch.PortVlan;
import dev.vireo.net.vswitch.SwitchPort;
import dev.vireo.net.vswitch.VirtualSwitch;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class DhcpServerTest {
    static final int SERVER = Ipv4.parse("192.168.100.1");
    static final long SERVER_MAC = MacAddress.parse("52:54:00:ff:00:01");
    final AtomicLong clock = new AtomicLong();
    final DhcpConfig config = DhcpConfig.forSubnet(SERVER, SERVER_MAC, 24, true);
    final DhcpServer server = new DhcpServer(config, clock::get);
    final byte[] in = new byte[2048], out = new byte[2048];

    @Test
    void discoverOfferRequestAckWithOptions() {
        TestDhcpClient client = new TestDhcpClient(MacAddress.parse("52:54:00:00:00:01"), 0x1234);
        int n = server.handle(in, 0, client.discover(in), out);
        TestDhcpClient.Reply offer = client.parse(out, n);
        assertThat(offer.type()).isEqualTo(DhcpMessage.OFFER);
        assertThat(Ipv4.format(offer.yiaddr())).isEqualTo("192.168.100.100");
        assertThat(offer.address(DhcpMessage.OPT_SERVER_ID)).isEqualTo(SERVER);

        n = server.handle(in, 0, client.request(in, offer.yiaddr(), SERVER), out);
        TestDhcpClient.Reply ack = client.parse(out, n);
        assertThat(ack.type()).isEqualTo(DhcpMessage.ACK);
        assertThat(ack.yiaddr()).isEqualTo(offer.yiaddr());
        assertThat(Ipv4.format(ack.address(DhcpMessage.OPT_SUBNET_MASK))).isEqualTo("255.255.255.0");
        assertThat(ack.address(DhcpMessage.OPT_ROUTER)).isEqualTo(SERVER);
        assertThat(ack.address(DhcpMessage.OPT_DNS)).isEqualTo(SERVER);
        assertThat(ack.address(DhcpMessage.OPT_LEASE_TIME)).isEqualTo(3600);
        assertThat(server.leases()).singleElement().satisfies(l -> assertThat(l.bound()).isTrue());
    }

    @Test
    void aSecondClientGetsAnotherAddressAndTheFirstKeepsItsOwn() {
        TestDhcpClient a = new TestDhcpClient(MacAddress.parse("52:54:00:00:00:01"), 1);
        TestDhcpClient b = new TestDhcpClient(MacAddress.parse("52:54:00:00:00:02"), 2);
        int addressA = lease(a);
        int addressB = lease(b);
        assertThat(addressB).isNotEqualTo(addressA);
        assertThat(lease(a)).as("renewal keeps the address").isEqualTo(addressA);
    }

    @Test
    void naksARequestForAnAddressHeldByAnotherClient() {
        TestDhcpClient a = new TestDhcpClient(MacAddress.parse("52:54:00:00:00:01"), 1);
        TestDhcpClient b = new TestDhcpClient(MacAddress.parse("52:54:00:00:00:02"), 2);
        int addressA = lease(a);
        int n = server.handle(in, 0, b.request(in, addressA, 0), out);
        assertThat(b.parse(out, n).type()).isEqualTo(DhcpMessage.NAK);
        n = server.handle(in, 0, b.request(in, Ipv4.parse("10.9.9.9"), 0), out);
        assertThat(b.parse(out, n).type()).isEqualTo(DhcpMessage.NAK);
    }

    @Test
    void expiredLeasesAreReused() {
        DhcpConfig tiny = new DhcpConfig(SERVER, SERVER_MAC, 24, Ipv4.parse("192.168.100.10"), Ipv4.parse("192.168.100.10"),
                SERVER, List.of(), null, 0, Duration.ofMinutes(1));
        DhcpServer small = new DhcpServer(tiny, clock::get);
        TestDhcpClient a = new TestDhcpClient(1, 1), b = new TestDhcpClient(2, 2);
        int n = small.handle(in, 0, a.discover(in), out);
        assertThat(a.parse(out, n).type()).isEqualTo(DhcpMessage.OFFER);
        assertThat(small.handle(in, 0, b.discover(in), out)).as("pool exhausted: silent").isZero();
        clock.addAndGet(Duration.ofMinutes(2).toNanos());
        n = small.handle(in, 0, b.discover(in), out);
        assertThat(b.parse(out, n).yiaddr()).isEqualTo(Ipv4.parse("192.168.100.10"));
    }

    @Test
    void servesLeasesThroughTheSwitchAndAnswersArpForItself() throws Exception {
        try (VirtualSwitch sw = new VirtualSwitch(VirtualSwitch.Config.defaults("lan"));
             DhcpService dhcp = DhcpService.attach(sw, config, 1)) {
            CollectingSink guest = new CollectingSink();
            SwitchPort port = sw.attach("vm1", PortVlan.access(), null, guest);
            TestDhcpClient client = new TestDhcpClient(MacAddress.parse("52:54:00:00:00:07"), 77);
            port.receive(in, 0, client.discover(in));
            byte[] reply = guest.next();
            TestDhcpClient.Reply offer = client.parse(reply, reply.length);
            assertThat(offer.type()).isEqualTo(DhcpMessage.OFFER);
            port.receive(in, 0, client.request(in, offer.yiaddr(), SERVER));
            reply = guest.next();
            assertThat(client.parse(reply, reply.length).type()).isEqualTo(DhcpMessage.ACK);
            assertThat(dhcp.leases()).hasSize(1);

            int n = FrameBuilder.arp(in, FrameBuilder.ARP_REQUEST, client.mac, offer.yiaddr(), 0, SERVER);
            port.receive(in, 0, n);
            reply = guest.next();
            assertThat(MacAddress.read(reply, 6)).isEqualTo(SERVER_MAC);
            assertThat(reply[21]).as("ARP reply").isEqualTo((byte) 2);
        }
    }

    private int lease(TestDhcpClient client) {
        int n = server.handle(in, 0, client.discover(in), out);
        int offered = client.parse(out, n).yiaddr();
        n = server.handle(in, 0, client.request(in, offered, SERVER), out);
        TestDhcpClient.Reply ack = client.parse(out, n);
        assertThat(ack.type()).isEqualTo(DhcpMessage.ACK);
        return ack.yiaddr();
    }
}
