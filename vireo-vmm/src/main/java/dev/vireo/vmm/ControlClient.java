package dev.vireo.vmm;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/** The daemon's side of a VMM's control socket: one request, one reply per call. */
public final class ControlClient {
    private ControlClient() {}

    /** Sends {@code {"op": op}} and returns the reply; throws IOException when the VMM does not answer. */
    public static JsonNode request(Path socket, ControlProtocol.Operation op) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            String request = "{\"op\":\"" + op.name() + "\"}\n";
            ChannelStreams.output(channel).write(request.getBytes(StandardCharsets.UTF_8));
            String line = new BufferedReader(new InputStreamReader(ChannelStreams.input(channel), StandardCharsets.UTF_8)).readLine();
            if (line == null) throw new IOException("the VMM closed its control socket " + socket + " without answering");
            return ControlProtocol.JSON.readTree(line);
        }
    }
}
