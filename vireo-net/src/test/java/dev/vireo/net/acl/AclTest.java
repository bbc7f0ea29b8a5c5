package dev.vireo.net.acl;

import dev.vireo.net.frame.FrameBuilder;
import dev.vireo.net.frame.Ipv4;
import dev.vireo.net.frame.MacAddress;
import dev.vireo.net.frame.PacketView;
import dev.vireo.net.vswitch.CollectingSink;
import dev.vireo.net.vswitch.DropReason;
import dev.vireo.net.vswitch.PortVlan;
import dev.vireo.net.vswitch.SwitchPort;
import dev.vireo.net.vswitch.VirtualSwitch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AclTest {
    static final long MAC_A = MacAddress.parse("52:54:00:00:00:0a"), MAC_B = MacAddress.parse("52:54:00:00:00:0b");
    static final int IP_A = Ipv4.parse("10.0.0.10"), IP_B = Ipv4.parse("10.0.0.11");
    static final int SYN = 2, ACK = 16;

    final VirtualSwitch sw = new VirtualSwitch(VirtualSwitch.Config.defaults("acl"));
    final byte[] buf = new byte[2048];

    @AfterEach
    void close() {
        sw.close();
    }

    @Test
    void denyRuleBlocksOneTcpPortWhilePingStillPassesAndCountersShowIt() throws Exception {
        Map<String, Acl> acls = AclFile.parse("""
                [port b]
                deny in proto=tcp dport=22   # no SSH into b
                """, "test.acl");
        CollectingSink a = new CollectingSink(), b = new CollectingSink();
        SwitchPort pa = sw.attach("a", PortVlan.access(), null, a);
        SwitchPort pb = sw.attach("b", PortVlan.access(), acls.get("b"), b);
        learn(pb, MAC_B, IP_B);
        learn(pa, MAC_A, IP_A);
        a.drain();
        b.drain();

        int n = FrameBuilder.tcp(buf, MAC_B, MAC_A, IP_A, IP_B, 40000, 22, SYN);
        pa.receive(buf, 0, n);
        assertThat(b.nextQuickly()).as("TCP 22 denied").isNull();
        n = FrameBuilder.tcp(buf, MAC_B, MAC_A, IP_A, IP_B, 40001, 80, SYN);
        pa.receive(buf, 0, n);
        assertThat(b.next()).as("TCP 80 allowed").isNotNull();
        n = FrameBuilder.icmpEcho(buf, MAC_B, MAC_A, IP_A, IP_B, 8, 7, 1, 32);
        pa.receive(buf, 0, n);
        assertThat(b.next()).as("ping allowed").isNotNull();

        Acl acl = pb.acl();
        assertThat(acl.hits(0)).isEqualTo(1);
        assertThat(pb.drops(DropReason.ACL_IN)).isEqualTo(1);
        assertThat(acl.describe()).contains("deny in proto=tcp dport=22").contains("default allow");
    }

    @Test
    void statefulReplyToAnAllowedConnectionPassesWhileUnsolicitedTrafficIsDenied() throws Exception {
        Map<String, Acl> acls = AclFile.parse("""
                [port b]
                default deny
                allow both proto=arp
                allow out proto=tcp dport=443
                """, "test.acl");
        CollectingSink a = new CollectingSink(), b = new CollectingSink();
        SwitchPort pa = sw.attach("a", PortVlan.access(), null, a);
        SwitchPort pb = sw.attach("b", PortVlan.access(), acls.get("b"), b);
        learn(pb, MAC_B, IP_B);
        learn(pa, MAC_A, IP_A);
        a.drain();
        b.drain();

        int n = FrameBuilder.tcp(buf, MAC_B, MAC_A, IP_A, IP_B, 5555, 443, SYN);
        pa.receive(buf, 0, n);
        assertThat(b.nextQuickly()).as("unsolicited connection into b denied").isNull();

        n = FrameBuilder.tcp(buf, MAC_A, MAC_B, IP_B, IP_A, 41000, 443, SYN);
        pb.receive(buf, 0, n);
        assertThat(a.next()).as("b may connect out to 443").isNotNull();
        n = FrameBuilder.tcp(buf, MAC_B, MAC_A, IP_A, IP_B, 443, 41000, SYN | ACK);
        pa.receive(buf, 0, n);
        assertThat(b.next()).as("the reply passes through connection tracking").isNotNull();
        assertThat(sw.trackedConnections()).isEqualTo(1);

        n = FrameBuilder.tcp(buf, MAC_B, MAC_A, IP_A, IP_B, 443, 41001, SYN | ACK);
        pa.receive(buf, 0, n);
        assertThat(b.nextQuickly()).as("a different port pair is not a reply").isNull();

        pb.setAcl(pb.acl());
        assertThat(sw.trackedConnections()).as("ACL change forgets connections").isZero();
    }

    @Test
    void matchesIpv6PrefixesAndMacs() {
        AclRule rule = AclFile.rule("deny out proto=udp dst=fd00::/64 dport=53 smac=52:54:00:00:00:0a".split(" "));
        assertThat(rule.destination().contains(6, 0xfd00_0000_0000_0000L, 5)).isTrue();
        assertThat(rule.destination().contains(6, 0xfd00_0000_0000_0001L, 5)).isFalse();
        assertThat(rule.toString()).isEqualTo("deny out proto=udp smac=52:54:00:00:00:0a dst=fd00:0:0:0:0:0:0:0/64 dport=53");
        PacketView v = new PacketView();
        byte[] frame = new byte[100];
        int n = FrameBuilder.udp(frame, MAC_B, MAC_A, IP_A, IP_B, 1000, 53, 4);
        v.parse(frame, 0, n, 1522);
        assertThat(rule.matches(v, Direction.OUT)).as("IPv4 packet vs IPv6 prefix").isFalse();
    }

    @Test
    void fileErrorsNameTheLineAndTheFix() {
        assertThatThrownBy(() -> AclFile.parse("[port a]\nallow sideways", "x.acl"))
                .hasMessageContaining("x.acl:2").hasMessageContaining("in, out or both");
        assertThatThrownBy(() -> AclFile.parse("allow in", "x.acl")).hasMessageContaining("[port NAME]");
        assertThatThrownBy(() -> AclFile.parse("[port a]\nallow in proto=icmp dport=1", "x.acl"))
                .hasMessageContaining("proto=tcp or proto=udp");
        assertThatThrownBy(() -> AclFile.parse("[port a]\nallow in dst=10.0.0.0/33", "x.acl"))
                .hasMessageContaining("0..32");
    }

    private void learn(SwitchPort port, long mac, int ip) {
        int n = FrameBuilder.arp(buf, FrameBuilder.ARP_REQUEST, mac, ip, 0, ip + 100);
        port.receive(buf, 0, n);
    }
}
