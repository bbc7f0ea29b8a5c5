package dev.vireo.net.transport;

import dev.vireo.net.frame.FrameBuilder;
import dev.vireo.net.frame.Ipv4;
import dev.vireo.net.frame.MacAddress;
import dev.vireo.net.pcap.PcapReader;
import dev.vireo.net.pcap.PcapWriter;
import dev.vireo.net.vswitch.DropReason;
import dev.vireo.net.vswitch.PortVlan;
import dev.vireo.net.vswitch.VirtualSwitch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SwitchTransportTest {
    static final long MAC_A = MacAddress.parse("52:54:00:00:00:0a"), MAC_B = MacAddress.parse("52:54:00:00:00:0b");
    @TempDir Path dir;
    final byte[] buf = new byte[2048];

    SwitchServer serve(VirtualSwitch sw, Path socket) throws IOException {
        return SwitchServer.start(sw, SeqpacketListener.bind(socket, SwitchServer.capacity(sw)),
                name -> null, name -> PortVlan.access());
    }

    static BlockingQueue<byte[]> start(SwitchClient client) {
        BlockingQueue<byte[]> q = new LinkedBlockingQueue<>();
        client.start((f, o, l) -> q.add(Arrays.copyOfRange(f, o, o + l)));
        return q;
    }

    @Test
    void twoNicsExchangeFramesOverSeqpacketAndADeadNicFreesItsPort() throws Exception {
        Path socket = dir.resolve("lab.sock");
        try (VirtualSwitch sw = new VirtualSwitch(VirtualSwitch.Config.defaults("lab"));
             SwitchServer server = serve(sw, socket);
             SwitchClient a = SwitchClient.connect(socket, "a", 1522);
             SwitchClient b = SwitchClient.connect(socket, "b", 1522)) {
            BlockingQueue<byte[]> atA = start(a), atB = start(b);
            int n = FrameBuilder.icmpEcho(buf, MAC_B, MAC_A, Ipv4.parse("10.0.0.1"), Ipv4.parse("10.0.0.2"), 8, 1, 1, 1000);
            assertThat(a.send(buf, 0, n)).isTrue();
            byte[] got = atB.poll(2, TimeUnit.SECONDS);
            assertThat(got).isEqualTo(Arrays.copyOf(buf, n));
            n = FrameBuilder.icmpEcho(buf, MAC_A, MAC_B, Ipv4.parse("10.0.0.2"), Ipv4.parse("10.0.0.1"), 0, 1, 1, 1000);
            b.send(buf, 0, n);
            assertThat(atA.poll(2, TimeUnit.SECONDS)).hasSize(n);

            // Oversized frames from a NIC are dropped by the switch and counted on its port.
            SwitchClient raw = a;
            assertThat(raw.send(new byte[1600], 0, 1522)).isTrue();
            waitFor(() -> sw.port("a").drops(DropReason.OVERSIZED) == 1);

            b.close();
            waitFor(() -> sw.port("b") == null);
            assertThat(sw.ports()).extracting(p -> p.name()).containsExactly("a");
        }
    }

    @Test
    void refusesADuplicatePortNameWithAReason() throws Exception {
        Path socket = dir.resolve("dup.sock");
        try (VirtualSwitch sw = new VirtualSwitch(VirtualSwitch.Config.defaults("dup"));
             SwitchServer server = serve(sw, socket);
             SwitchClient a = SwitchClient.connect(socket, "web", 1522)) {
            assertThatThrownBy(() -> SwitchClient.connect(socket, "web", 1522))
                    .hasMessageContaining("already attached");
        }
        assertThatThrownBy(() -> SwitchClient.connect(dir.resolve("none.sock"), "web", 1522))
                .hasMessageContaining("vireo net serve");
    }

    @Test
    void aNicReconnectsAfterTheSwitchRestarts() throws Exception {
        Path socket = dir.resolve("re.sock");
        VirtualSwitch sw = new VirtualSwitch(VirtualSwitch.Config.defaults("re"));
        SwitchServer server = serve(sw, socket);
        try (SwitchClient a = SwitchClient.connect(socket, "a", 1522);
             SwitchClient b = SwitchClient.connect(socket, "b", 1522)) {
            java.util.List<Boolean> aLink = new java.util.concurrent.CopyOnWriteArrayList<>();
            a.onLinkChange(() -> aLink.add(a.linkUp()));
            start(a);
            BlockingQueue<byte[]> atB = start(b);
            assertThat(a.linkUp()).isTrue();
            server.close();
            sw.close();
            waitFor(() -> !a.connected() && !b.connected());
            assertThat(a.linkUp()).isFalse();
            waitFor(() -> !aLink.isEmpty());
            assertThat(aLink.getFirst()).as("the NIC is told the link went down").isFalse();
            int n = FrameBuilder.arp(buf, FrameBuilder.ARP_REQUEST, MAC_A, 1, 0, 2);
            assertThat(a.send(buf, 0, n)).as("dropped while the switch is down").isFalse();

            VirtualSwitch sw2 = new VirtualSwitch(VirtualSwitch.Config.defaults("re"));
            try (SwitchServer server2 = serve(sw2, socket)) {
                waitFor(() -> a.connected() && b.connected());
                assertThat(a.connects()).isEqualTo(2);
                waitFor(() -> aLink.size() >= 2);
                assertThat(aLink).as("down, then up again after the reconnect").containsExactly(false, true);
                atB.clear();
                assertThat(a.send(buf, 0, n)).isTrue();
                assertThat(atB.poll(2, TimeUnit.SECONDS)).hasSize(n);
            } finally {
                sw2.close();
            }
        }
    }

    @Test
    void aRemoteCaptureWritesMirroredFramesToPcap() throws Exception {
        Path socket = dir.resolve("cap.sock"), file = dir.resolve("cap.pcap");
        try (VirtualSwitch sw = new VirtualSwitch(VirtualSwitch.Config.defaults("cap"));
             SwitchServer server = serve(sw, socket);
             SwitchClient a = SwitchClient.connect(socket, "a", 1522);
             SwitchClient b = SwitchClient.connect(socket, "b", 1522);
             MirrorClient capture = MirrorClient.connect(socket, "b", SwitchServer.capacity(sw));
             PcapWriter writer = PcapWriter.create(file)) {
            start(a);
            start(b);
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    capture.copyTo(writer, 2);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            int n = FrameBuilder.arp(buf, FrameBuilder.ARP_REQUEST, MAC_A, 1, 0, 2);
            a.send(buf, 0, n);
            n = FrameBuilder.arp(buf, FrameBuilder.ARP_REPLY, MAC_B, 2, MAC_A, 1);
            b.send(buf, 0, n);
            t.join(5_000);
            assertThat(t.isAlive()).isFalse();
        }
        assertThat(PcapReader.read(file).records()).hasSize(2);
    }

    static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not met within 5 s");
            Thread.sleep(20);
        }
    }
}
