package dev.vireo.net.vswitch;

import dev.vireo.net.frame.EtherType;
import dev.vireo.net.frame.FrameBuilder;
import dev.vireo.net.frame.Ipv4;
import dev.vireo.net.frame.MacAddress;
import dev.vireo.net.frame.PacketView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class VirtualSwitchTest {
    static final long MAC_A = MacAddress.parse("52:54:00:00:00:0a"), MAC_B = MacAddress.parse("52:54:00:00:00:0b"),
            MAC_C = MacAddress.parse("52:54:00:00:00:0c");
    static final int IP_A = Ipv4.parse("10.0.0.10"), IP_B = Ipv4.parse("10.0.0.11");

    final AtomicLong clock = new AtomicLong(1_000_000_000L);
    final VirtualSwitch sw = new VirtualSwitch(VirtualSwitch.Config.defaults("test"), clock::get);
    final byte[] buf = new byte[2048];

    @AfterEach
    void close() {
        sw.close();
    }

    @Test
    void floodsUnknownDestinationThenForwardsOnlyToLearnedPort() throws Exception {
        CollectingSink a = new CollectingSink(), b = new CollectingSink(), c = new CollectingSink();
        SwitchPort pa = sw.attach("a", PortVlan.access(), null, a);
        SwitchPort pb = sw.attach("b", PortVlan.access(), null, b);
        sw.attach("c", PortVlan.access(), null, c);

        int n = FrameBuilder.icmpEcho(buf, MAC_B, MAC_A, IP_A, IP_B, 8, 1, 1, 16);
        pa.receive(buf, 0, n);
        assertThat(b.next()).hasSize(n);
        assertThat(c.next()).as("unknown destination is flooded").hasSize(n);
        assertThat(a.nextQuickly()).as("never back out of the ingress port").isNull();

        n = FrameBuilder.icmpEcho(buf, MAC_A, MAC_B, IP_B, IP_A, 0, 1, 1, 16);
        pb.receive(buf, 0, n);
        assertThat(a.next()).hasSize(n);
        assertThat(c.nextQuickly()).as("a was learned: no flooding").isNull();
        assertThat(sw.macEntries()).isEqualTo(2);
    }

    @Test
    void agesOutMacEntriesAfterTheAgeingTime() throws Exception {
        CollectingSink a = new CollectingSink(), b = new CollectingSink(), c = new CollectingSink();
        SwitchPort pa = sw.attach("a", PortVlan.access(), null, a);
        SwitchPort pb = sw.attach("b", PortVlan.access(), null, b);
        sw.attach("c", PortVlan.access(), null, c);
        int n = FrameBuilder.arp(buf, FrameBuilder.ARP_REQUEST, MAC_A, IP_A, 0, IP_B);
        pa.receive(buf, 0, n);
        assertThat(sw.lookup(1, MAC_A)).isEqualTo(pa.index());

        clock.addAndGet(Duration.ofSeconds(301).toNanos());
        assertThat(sw.lookup(1, MAC_A)).as("aged out").isEqualTo(-1);
        b.drain();
        c.drain();
        n = FrameBuilder.icmpEcho(buf, MAC_A, MAC_B, IP_B, IP_A, 0, 1, 1, 8);
        pb.receive(buf, 0, n);
        assertThat(c.next()).as("flooded again after ageing").isNotNull();
    }

    @Test
    void isolatesVlansAndTagsFramesOnTrunks() throws Exception {
        CollectingSink a10 = new CollectingSink(), b20 = new CollectingSink(), c10 = new CollectingSink(), trunk = new CollectingSink();
        SwitchPort pa = sw.attach("a10", new PortVlan.Access(10), null, a10);
        sw.attach("b20", new PortVlan.Access(20), null, b20);
        sw.attach("c10", new PortVlan.Access(10), null, c10);
        SwitchPort pt = sw.attach("uplink", new PortVlan.Trunk(0, Set.of(10, 20)), null, trunk);

        int n = FrameBuilder.arp(buf, FrameBuilder.ARP_REQUEST, MAC_A, IP_A, 0, IP_B);
        pa.receive(buf, 0, n);
        assertThat(c10.next()).hasSize(n);
        assertThat(b20.nextQuickly()).as("VLAN 20 never sees VLAN 10").isNull();
        byte[] tagged = trunk.next();
        assertThat(tagged).hasSize(n + 4);
        PacketView v = new PacketView();
        assertThat(v.parse(tagged, 0, tagged.length, 1522)).isEqualTo(PacketView.Status.OK);
        assertThat(v.vlanId()).isEqualTo(10);
        assertThat(v.etherType()).isEqualTo(EtherType.ARP);

        // A tagged frame from the trunk for VLAN 20 reaches only b20, untagged.
        byte[] in = new byte[2048];
        int m = FrameBuilder.arp(buf, FrameBuilder.ARP_REQUEST, MAC_C, IP_B, 0, IP_A);
        int t = FrameBuilder.tag(buf, 0, m, in, 20, 0);
        pt.receive(in, 0, t);
        assertThat(b20.next()).hasSize(m);
        assertThat(a10.nextQuickly()).isNull();

        // Tagged frames from an access port are dropped and counted.
        pa.receive(in, 0, t);
        assertThat(pa.drops(DropReason.VLAN)).isEqualTo(1);
        // A trunk without a native VLAN drops untagged frames.
        pt.receive(buf, 0, m);
        assertThat(pt.drops(DropReason.VLAN)).isEqualTo(1);
    }

    @Test
    void dropsAndCountsRuntOversizedAndMalformedFrames() throws Exception {
        CollectingSink a = new CollectingSink(), b = new CollectingSink();
        SwitchPort pa = sw.attach("a", PortVlan.access(), null, a);
        sw.attach("b", PortVlan.access(), null, b);
        pa.receive(new byte[13], 0, 13);
        pa.receive(new byte[1600], 0, 1600);
        int n = FrameBuilder.tcp(buf, MAC_B, MAC_A, IP_A, IP_B, 1000, 80, 2);
        buf[14 + 2] = (byte) 0x7F; // IPv4 total length beyond the frame
        pa.receive(buf, 0, n);
        n = FrameBuilder.icmpEcho(buf, MAC_B, MAC_A, IP_A, IP_B, 8, 1, 1, 8);
        MacAddress.write(buf, 6, MacAddress.BROADCAST); // multicast source MAC
        pa.receive(buf, 0, n);
        assertThat(pa.drops(DropReason.RUNT)).isEqualTo(1);
        assertThat(pa.drops(DropReason.OVERSIZED)).isEqualTo(1);
        assertThat(pa.drops(DropReason.MALFORMED)).isEqualTo(2);
        assertThat(b.nextQuickly()).isNull();
        assertThat(pa.stats().totalDrops()).isEqualTo(4);
    }

    @Test
    void aFloodingPortCannotQueueMoreThanTheBoundAndDropsAreCounted() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CollectingSink a = new CollectingSink();
        SwitchPort pa = sw.attach("a", PortVlan.access(), null, a);
        SwitchPort slow = sw.attach("slow", PortVlan.access(), null, (f, o, l) -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        int n = FrameBuilder.icmpEcho(buf, MacAddress.BROADCAST, MAC_A, IP_A, IP_B, 8, 1, 1, 1000);
        for (int i = 0; i < 10_000; i++) pa.receive(buf, 0, n);
        int queue = sw.config().queueFrames();
        assertThat(slow.drops(DropReason.QUEUE_FULL)).isGreaterThanOrEqualTo(10_000 - queue - 1);
        assertThat(slow.egress.depth()).isLessThanOrEqualTo(queue);
        release.countDown();
    }

    @Test
    void detachingAPortForgetsItsMacsAndFreesTheName() throws Exception {
        SwitchPort pa = sw.attach("a", PortVlan.access(), null, new CollectingSink());
        sw.attach("b", PortVlan.access(), null, new CollectingSink());
        int n = FrameBuilder.arp(buf, FrameBuilder.ARP_REQUEST, MAC_A, IP_A, 0, IP_B);
        pa.receive(buf, 0, n);
        assertThat(sw.macEntries()).isEqualTo(1);
        pa.close();
        assertThat(sw.macEntries()).isZero();
        assertThat(sw.port("a")).isNull();
        assertThat(sw.attach("a", PortVlan.access(), null, new CollectingSink())).isNotNull();
    }

    @Test
    void limitsLearnedMacsPerPort() {
        SwitchPort pa = sw.attach("a", PortVlan.access(), null, new CollectingSink());
        for (int i = 0; i < 1000; i++) {
            int n = FrameBuilder.arp(buf, FrameBuilder.ARP_REQUEST, 0x5254_0100_0000L + i, IP_A, 0, IP_B);
            pa.receive(buf, 0, n);
        }
        assertThat(sw.macEntries()).isEqualTo(sw.config().macsPerPort());
    }
}
