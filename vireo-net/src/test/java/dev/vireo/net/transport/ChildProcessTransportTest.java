package dev.vireo.net.transport;

import dev.vireo.net.frame.FrameBuilder;
import dev.vireo.net.frame.MacAddress;
import dev.vireo.net.vswitch.PortVlan;
import dev.vireo.net.vswitch.VirtualSwitch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A NIC in another process: frames cross the process boundary, and its death frees the port. */
class ChildProcessTransportTest {
    @TempDir Path dir;

    @Test
    void aNicInAChildProcessExchangesFramesAndItsDeathFreesThePort() throws Exception {
        Path socket = dir.resolve("x.sock");
        try (VirtualSwitch sw = new VirtualSwitch(VirtualSwitch.Config.defaults("x"));
             SwitchServer server = SwitchServer.start(sw, SeqpacketListener.bind(socket, SwitchServer.capacity(sw)),
                     n -> null, n -> PortVlan.access());
             SwitchClient local = SwitchClient.connect(socket, "local", 1522)) {
            BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
            local.start((f, o, l) -> received.add(Arrays.copyOfRange(f, o, o + l)));
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), EchoNic.class.getName(),
                    socket.toString()).redirectErrorStream(true).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()));
                assertThat(out.readLine()).isEqualTo("ECHO-READY");
                byte[] buf = new byte[200];
                long localMac = MacAddress.parse("52:54:00:00:00:01");
                int n = FrameBuilder.icmpEcho(buf, MacAddress.BROADCAST, localMac, 1, 2, 8, 1, 1, 100);
                local.send(buf, 0, n);
                byte[] echo = received.poll(5, TimeUnit.SECONDS);
                assertThat(echo).as("echoed by the child process").isNotNull().hasSize(n);
                assertThat(MacAddress.read(echo, 0)).isEqualTo(localMac);
                assertThat(sw.port("child")).isNotNull();
            } finally {
                child.destroyForcibly().waitFor();
            }
            SwitchTransportTest.waitFor(() -> sw.port("child") == null);
        }
    }
}
