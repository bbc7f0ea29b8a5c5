package dev.vireo.net.transport;

import dev.vireo.net.vswitch.FrameSink;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Receives a switch's mirrored frames ({@code vireo net capture}): connects with the
 * "mirror" greeting and hands every frame to a sink (a pcap writer) until closed or the
 * switch stops.
 */
public final class MirrorClient implements AutoCloseable {
    private final SeqpacketSocket socket;
    private final int capacity;

    private MirrorClient(SeqpacketSocket socket, int capacity) {
        this.socket = socket;
        this.capacity = capacity;
    }

    /** Connects; {@code portName} null mirrors the whole switch. */
    public static MirrorClient connect(Path socketPath, String portName, int capacity) throws IOException {
        SeqpacketSocket s = SeqpacketSocket.connect(socketPath, capacity);
        try {
            Handshake.greet(s, new Handshake(Handshake.Role.MIRROR, portName));
        } catch (IOException | RuntimeException e) {
            s.close();
            throw new IOException("switch at " + socketPath + " refused the capture: " + e.getMessage(), e);
        }
        return new MirrorClient(s, capacity);
    }

    /**
     * Copies frames to {@code sink} until {@code maxFrames} (≤ 0: unlimited) were written, the
     * switch closes, or {@link #close} is called; returns the number of frames written.
     */
    public long copyTo(FrameSink sink, long maxFrames) throws IOException {
        byte[] buffer = new byte[capacity];
        long count = 0;
        int n;
        while ((maxFrames <= 0 || count < maxFrames) && (n = socket.receive(buffer)) >= 0) {
            sink.send(buffer, 0, Math.min(n, buffer.length));
            count++;
        }
        return count;
    }

    @Override
    public void close() {
        socket.close();
    }
}
