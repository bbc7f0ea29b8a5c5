package dev.vireo.cli.net;

import dev.vireo.cli.Main;
import dev.vireo.net.frame.FrameBuilder;
import dev.vireo.net.pcap.PcapReader;
import dev.vireo.net.transport.SeqpacketListener;
import dev.vireo.net.transport.SwitchClient;
import dev.vireo.net.transport.SwitchServer;
import dev.vireo.net.vswitch.PortVlan;
import dev.vireo.net.vswitch.VirtualSwitch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class NetCommandTest {
    @TempDir Path dir;

    @Test
    void captureWritesAPortsFramesToPcap() throws Exception {
        Path socket = dir.resolve("lab.sock"), file = dir.resolve("out.pcap");
        try (VirtualSwitch sw = new VirtualSwitch(VirtualSwitch.Config.defaults("lab"));
             SwitchServer server = SwitchServer.start(sw, SeqpacketListener.bind(socket, SwitchServer.capacity(sw)),
                     n -> null, n -> PortVlan.access());
             SwitchClient a = SwitchClient.connect(socket, "a", 1522);
             SwitchClient b = SwitchClient.connect(socket, "b", 1522)) {
            a.start((f, o, l) -> { });
            b.start((f, o, l) -> { });
            AtomicInteger exit = new AtomicInteger(-1);
            Thread capture = Thread.ofPlatform().start(() -> exit.set(Main.execute("net", "capture", "lab", "--socket", socket.toString(),
                    "--port", "b", "-w", file.toString(), "-c", "1")));
            byte[] buf = new byte[100];
            int n = FrameBuilder.arp(buf, FrameBuilder.ARP_REQUEST, 0x5254_0000_0001L, 1, 0, 2);
            long deadline = System.currentTimeMillis() + 5000;
            while (capture.isAlive() && System.currentTimeMillis() < deadline) {
                a.send(buf, 0, n); // until the capture has attached and seen one
                capture.join(100);
            }
            assertThat(exit.get()).isEqualTo(Main.EXIT_OK);
        }
        assertThat(PcapReader.read(file).records()).hasSize(1);
    }

    @Test
    void serveRejectsABadAclFileAsAUsageError() throws Exception {
        Path acl = dir.resolve("bad.acl");
        Files.writeString(acl, "[port web]\nallow sideways\n");
        assertThat(Main.execute("net", "serve", "lab", "--acl", acl.toString(), "--socket", dir.resolve("s").toString()))
                .isEqualTo(Main.EXIT_USAGE);
        assertThat(Main.execute("net", "capture", "../x", "-w", dir.resolve("x.pcap").toString())).isEqualTo(Main.EXIT_USAGE);
        assertThat(Main.execute("net", "capture", "nosuchnet", "--socket", dir.resolve("none.sock").toString(),
                "-w", dir.resolve("x.pcap").toString())).isEqualTo(Main.EXIT_FAILURE);
    }
}
