package dev.vireo.net.frame;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class PacketViewTest {
    final PacketView view = new PacketView();

    @Test
    void parsesTcpOverIpv4() {
        byte[] b = new byte[100];
        int n = FrameBuilder.tcp(b, 0x5254_0000_0001L, 0x5254_0000_0002L, Ipv4.parse("10.0.0.1"), Ipv4.parse("10.0.0.2"), 1234, 80, 2);
        assertThat(view.parse(b, 0, n, 1522)).isEqualTo(PacketView.Status.OK);
        assertThat(view.protocol()).isEqualTo(EtherType.PROTO_TCP);
        assertThat(Ipv4.format(view.ipv4Source())).isEqualTo("10.0.0.1");
        assertThat(view.sourcePort()).isEqualTo(1234);
        assertThat(view.destinationPort()).isEqualTo(80);
        assertThat(view.tcpFlags()).isEqualTo(2);
        assertThat(InternetChecksum.compute(b, 14, 20)).as("IPv4 header checksum verifies").isZero();
    }

    @Test
    void parsesIpv6UdpBehindAnExtensionHeader() {
        byte[] b = new byte[14 + 40 + 8 + 8];
        b[12] = (byte) 0x86; b[13] = (byte) 0xDD;
        MacAddress.write(b, 6, 0x5254_0000_0002L);
        b[14] = 0x60;
        b[14 + 4] = 0; b[14 + 5] = 16;      // payload: 8 ext + 8 udp
        b[14 + 6] = 60;                     // destination options
        b[14 + 8] = (byte) 0xFE; b[14 + 9] = (byte) 0x80;
        b[54] = 17; b[55] = 0;              // next = UDP, length 8
        b[62] = 0x02; b[63] = 0x22; b[64] = 0x02; b[65] = 0x23; b[66] = 0; b[67] = 8;
        assertThat(view.parse(b, 0, b.length, 1522)).isEqualTo(PacketView.Status.OK);
        assertThat(view.ipVersion()).isEqualTo(6);
        assertThat(view.sourceHigh()).isEqualTo(0xFE80_0000_0000_0000L);
        assertThat(view.protocol()).isEqualTo(EtherType.PROTO_UDP);
        assertThat(view.sourcePort()).isEqualTo(546);
        assertThat(view.destinationPort()).isEqualTo(547);
    }

    @Test
    void macAddressesRoundTripAndDeriveStably() {
        long mac = MacAddress.parse("52:54:00:ab:cd:ef");
        assertThat(MacAddress.format(mac)).isEqualTo("52:54:00:ab:cd:ef");
        assertThat(MacAddress.derive("web")).isEqualTo(MacAddress.derive("web")).isNotEqualTo(MacAddress.derive("db"));
        assertThat(MacAddress.isMulticast(MacAddress.derive("web"))).isFalse();
    }

    /** Seeded random byte strings (property-style, plain JUnit): parsing never throws. */
    @Test
    void neverThrowsOnArbitraryBytes() {
        Random random = new Random(0x5EED_0001L);
        for (int i = 0; i < 2000; i++) {
            byte[] frame = new byte[random.nextInt(201)];
            random.nextBytes(frame);
            view.parse(frame, 0, frame.length, 1522);
        }
    }

    @Test
    void neverThrowsOnMutatedIpFrames() {
        Random random = new Random(0x5EED_0002L);
        for (int i = 0; i < 1000; i++) {
            byte[] noise = new byte[74];
            random.nextBytes(noise);
            boolean v6 = random.nextBoolean();
            noise[12] = (byte) (v6 ? 0x86 : 0x08);
            noise[13] = (byte) (v6 ? 0xDD : 0x00);
            noise[14] = (byte) (v6 ? 0x60 : 0x45);
            noise[6] = 0x52;
            view.parse(noise, 0, noise.length, 1522);
        }
    }
}
