package dev.vireo.net.pcap;

import dev.vireo.net.frame.FrameBuilder;
import dev.vireo.net.frame.Ipv4;
import dev.vireo.net.vswitch.CollectingSink;
import dev.vireo.net.vswitch.Mirror;
import dev.vireo.net.vswitch.PortVlan;
import dev.vireo.net.vswitch.SwitchPort;
import dev.vireo.net.vswitch.VirtualSwitch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PcapTest {
    @TempDir Path dir;

    @Test
    void mirrorsAPortToAPcapFileThatReadsBack() throws Exception {
        Path file = dir.resolve("cap.pcap");
        byte[] buf = new byte[2048];
        int ping;
        try (VirtualSwitch sw = new VirtualSwitch(VirtualSwitch.Config.defaults("cap"));
             PcapWriter writer = PcapWriter.create(file)) {
            SwitchPort a = sw.attach("a", PortVlan.access(), null, new CollectingSink());
            SwitchPort b = sw.attach("b", PortVlan.access(), null, new CollectingSink());
            sw.attach("c", PortVlan.access(), null, new CollectingSink());
            Mirror mirror = sw.mirror("b", writer);
            ping = FrameBuilder.icmpEcho(buf, 0x5254_0000_000BL, 0x5254_0000_000AL, Ipv4.parse("10.0.0.1"),
                    Ipv4.parse("10.0.0.2"), 8, 1, 1, 56);
            a.receive(buf, 0, ping);                                   // to b (flooded): mirrored
            int arp = FrameBuilder.arp(buf, FrameBuilder.ARP_REQUEST, 0x5254_0000_000CL, 1, 0, 2);
            sw.port("c").receive(buf, 0, arp);                       // flooded to b too: mirrored
            int tcp = FrameBuilder.tcp(buf, 0x5254_0000_000AL, 0x5254_0000_000BL, 2, 1, 80, 999, 18);
            b.receive(buf, 0, tcp);                                    // from b: mirrored
            mirror.close();
            assertThat(mirror.capturedFrames()).isEqualTo(3);
        }
        PcapReader.Capture capture = PcapReader.read(file);
        assertThat(capture.linkType()).isEqualTo(PcapWriter.LINKTYPE_ETHERNET);
        assertThat(capture.records()).hasSize(3);
        assertThat(capture.records().get(0).data()).hasSize(ping);
        FrameBuilder.icmpEcho(buf, 0x5254_0000_000BL, 0x5254_0000_000AL, Ipv4.parse("10.0.0.1"), Ipv4.parse("10.0.0.2"), 8, 1, 1, 56);
        assertThat(capture.records().get(0).data()).isEqualTo(Arrays.copyOf(buf, ping));

        String tshark = which("tshark");
        assumeTrue(tshark != null, "tshark not installed (apt-get install tshark); pcap checked with our reader only");
        Process p = new ProcessBuilder(tshark, "-r", file.toString(), "-T", "fields", "-e", "frame.protocols")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("eth:ethertype:ip:icmp").contains("eth:ethertype:arp").contains("eth:ethertype:ip:tcp");
    }

    static String which(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(d, tool);
            if (Files.isExecutable(p)) return p.toString();
        }
        return null;
    }
}
