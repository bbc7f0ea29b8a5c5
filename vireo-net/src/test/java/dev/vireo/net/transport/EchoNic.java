package dev.vireo.net.transport;

import dev.vireo.net.frame.MacAddress;

import java.nio.file.Path;

/**
 * A child process for {@link ChildProcessTransportTest}: attaches to a switch as port "child"
 * and sends every frame back with source and destination MACs swapped, until killed.
 */
public final class EchoNic {
    public static void main(String[] args) throws Exception {
        SwitchClient client = SwitchClient.connect(Path.of(args[0]), "child", 1522);
        byte[] out = new byte[1522];
        client.start((frame, offset, length) -> {
            System.arraycopy(frame, offset, out, 0, length);
            long destination = MacAddress.read(out, 0), source = MacAddress.read(out, 6);
            MacAddress.write(out, 0, source);
            MacAddress.write(out, 6, destination);
            client.send(out, 0, length);
        });
        System.out.println("ECHO-READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
