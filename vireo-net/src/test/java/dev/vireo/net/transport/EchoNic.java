package dev.vireo.net.transport;

import dev.vireo.net.frame.MacAddress;

import java.nio.file.Path;

/**
 * A child process for {@link ChildProcessTransportTest}: attaches to a switch as port "child"
 * and sends every frame back to its sender (from MAC 52:54:00:00:00:02), until killed.
 */
public final class EchoNic {
    static final long CHILD_MAC = 0x5254_0000_0002L;

    public static void main(String[] args) throws Exception {
        SwitchClient client = SwitchClient.connect(Path.of(args[0]), "child", 1522);
        byte[] out = new byte[1522];
        client.start((frame, offset, length) -> {
            System.arraycopy(frame, offset, out, 0, length);
            MacAddress.write(out, 0, MacAddress.read(out, 6)); // back to the sender
            MacAddress.write(out, 6, CHILD_MAC);
            client.send(out, 0, length);
        });
        System.out.println("ECHO-READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
