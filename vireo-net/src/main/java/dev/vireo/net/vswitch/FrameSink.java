package dev.vireo.net.vswitch;

import java.io.IOException;

/** Where a switch port's egress queue writes frames: a socket, a TAP, a pcap file, a test. */
@FunctionalInterface
public interface FrameSink {
    /** Writes one frame; may block. Called only on the port's egress thread. */
    void send(byte[] frame, int offset, int length) throws IOException;
}
