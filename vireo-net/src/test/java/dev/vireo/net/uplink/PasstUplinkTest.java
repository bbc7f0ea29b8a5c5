package dev.vireo.net.uplink;

import dev.vireo.net.dhcp.DhcpMessage;
import dev.vireo.net.frame.EtherType;
import dev.vireo.net.frame.FrameBuilder;
import dev.vireo.net.frame.Ipv4;
import dev.vireo.net.frame.MacAddress;
import dev.vireo.net.frame.PacketView;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PasstUplinkTest {
    static final long GUEST_MAC = MacAddress.parse("52:54:00:12:34:56");

    @BeforeAll
    static void needsPasst() {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/passt")), "passt not installed (apt-get install passt)");
    }

    @Test
    void passtOffersADhcpLeaseAndAnswersArpForTheGateway() throws Exception {
        try (PasstUplink nat = PasstUplink.start("t", List.of(PortForward.parse("tcp:127.0.0.1:18080-:80")))) {
            BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
            nat.start((f, o, l) -> received.add(Arrays.copyOfRange(f, o, o + l)));
            byte[] buf = new byte[1024];
            int q = FrameBuilder.udpPayloadOffset();
            int i = DhcpMessage.writeHeader(buf, q, DhcpMessage.BOOTREQUEST, 0xC0FFEE, DhcpMessage.FLAG_BROADCAST, 0, 0, 0, GUEST_MAC);
            i = DhcpMessage.putByte(buf, i, DhcpMessage.OPT_MESSAGE_TYPE, DhcpMessage.DISCOVER);
            i = DhcpMessage.putEnd(buf, i);
            int n = FrameBuilder.udp(buf, MacAddress.BROADCAST, GUEST_MAC, 0, -1, 68, 67, Math.max(i - q, 300));
            assertThat(nat.send(buf, 0, n)).isTrue();

            PacketView v = new PacketView();
            int router = 0, offered = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (offered == 0 && System.nanoTime() < deadline) {
                byte[] f = received.poll(1, TimeUnit.SECONDS);
                if (f == null || v.parse(f, 0, f.length, 70000) != PacketView.Status.OK || v.destinationPort() != 68) continue;
                int p = v.l4Offset() + 8, len = v.l4Length() - 8;
                assertThat(DhcpMessage.messageType(f, p, len)).isEqualTo(DhcpMessage.OFFER);
                offered = DhcpMessage.yiaddr(f, p);
                router = DhcpMessage.addressOption(f, p, len, DhcpMessage.OPT_ROUTER);
            }
            assertThat(offered).as("passt offered an address").isNotZero();
            assertThat(router).isNotZero();

            n = FrameBuilder.arp(buf, FrameBuilder.ARP_REQUEST, GUEST_MAC, offered, 0, router);
            nat.send(buf, 0, n);
            boolean answered = false;
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!answered && System.nanoTime() < deadline) {
                byte[] f = received.poll(1, TimeUnit.SECONDS);
                if (f == null || v.parse(f, 0, f.length, 70000) != PacketView.Status.OK || v.etherType() != EtherType.ARP) continue;
                int a = v.l3Offset();
                answered = f[a + 7] == FrameBuilder.ARP_REPLY && Ipv4.read(f, a + 14) == router;
            }
            assertThat(answered).as("ARP reply for the gateway " + Ipv4.format(router)).isTrue();
        }
    }

    @Test
    void parsesHostForwardsAndRejectsNonsense() {
        PortForward f = PortForward.parse("tcp:127.0.0.1:8080-:80");
        assertThat(f.passtSpec()).isEqualTo("127.0.0.1/8080:80");
        assertThat(PortForward.parse("udp::5353-:53").passtSpec()).isEqualTo("5353:53");
        assertThatThrownBy(() -> PortForward.parse("tcp:8080:80")).hasMessageContaining("must look like");
        assertThatThrownBy(() -> PortForward.parse("tcp:127.0.0.1:99999-:80")).hasMessageContaining("1..65535");
        assertThatThrownBy(() -> PortForward.parse("tcp:$(reboot):1-:2")).hasMessageContaining("IP address");
    }
}
