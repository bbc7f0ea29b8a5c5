package dev.vireo.net.pcap;

import dev.vireo.net.vswitch.FrameSink;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * Writes the classic libpcap format (what {@code tshark -r}, {@code tcpdump -r} and
 * {@code capinfos} read), link type Ethernet, microsecond timestamps, little-endian:
 *
 * <pre>
 * global header (24 bytes): magic a1b2c3d4 | major 2 | minor 4 | thiszone 0 | sigfigs 0 | snaplen | linktype 1
 * per record   (16 bytes): ts_sec | ts_usec | incl_len | orig_len, then incl_len bytes of frame
 * </pre>
 *
 * Thread-safe; {@link #flush} after each frame is optional ({@code flushEachFrame}), so a
 * capture read while it runs shows every frame so far.
 */
public final class PcapWriter implements FrameSink, AutoCloseable {
    public static final int MAGIC = 0xA1B2C3D4, LINKTYPE_ETHERNET = 1, DEFAULT_SNAPLEN = 65535;

    private final OutputStream out;
    private final int snapLength;
    private final boolean flushEachFrame;
    private final LongSupplier wallClockMicros;
    private final ByteBuffer record = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    private long frames;

    public PcapWriter(OutputStream out, int snapLength, boolean flushEachFrame, LongSupplier wallClockMicros) throws IOException {
        this.out = out;
        this.snapLength = snapLength;
        this.flushEachFrame = flushEachFrame;
        this.wallClockMicros = wallClockMicros;
        ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(MAGIC).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(snapLength).putInt(LINKTYPE_ETHERNET);
        out.write(header.array());
        out.flush();
    }

    /** Creates (or truncates) {@code file}, flushing after every frame. */
    public static PcapWriter create(Path file) throws IOException {
        return new PcapWriter(new BufferedOutputStream(Files.newOutputStream(file)), DEFAULT_SNAPLEN, true,
                () -> {
                    java.time.Instant now = java.time.Instant.now();
                    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
                });
    }

    @Override
    public synchronized void send(byte[] frame, int offset, int length) throws IOException {
        long micros = wallClockMicros.getAsLong();
        int included = Math.min(length, snapLength);
        record.clear();
        record.putInt((int) (micros / 1_000_000)).putInt((int) (micros % 1_000_000)).putInt(included).putInt(length);
        out.write(record.array(), 0, 16);
        out.write(frame, offset, included);
        frames++;
        if (flushEachFrame) out.flush();
    }

    public synchronized long frames() { return frames; }

    public synchronized void flush() throws IOException {
        out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
