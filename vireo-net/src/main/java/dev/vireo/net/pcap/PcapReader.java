package dev.vireo.net.pcap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads a classic pcap file back (either byte order, microsecond or nanosecond magic). */
public final class PcapReader {
    /** One captured frame; {@code timestampMicros} since the epoch. */
    public record Record(long timestampMicros, int originalLength, byte[] data) {}

    /** The file's header fields and records. */
    public record Capture(int linkType, int snapLength, List<Record> records) {}

    private PcapReader() {}

    public static Capture read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < 24) throw new IOException(file + " is not a pcap file (shorter than its 24-byte header)");
        int magic = b.getInt(0);
        boolean nanos;
        if (magic == PcapWriter.MAGIC || magic == 0xA1B23C4D) {
            nanos = magic == 0xA1B23C4D;
        } else {
            b.order(ByteOrder.BIG_ENDIAN);
            magic = b.getInt(0);
            if (magic != PcapWriter.MAGIC && magic != 0xA1B23C4D)
                throw new IOException(file + " is not a pcap file (magic " + Integer.toHexString(magic) + ")");
            nanos = magic == 0xA1B23C4D;
        }
        int snapLength = b.getInt(16), linkType = b.getInt(20);
        b.position(24);
        List<Record> records = new ArrayList<>();
        while (b.remaining() >= 16) {
            long seconds = b.getInt() & 0xFFFF_FFFFL, fraction = b.getInt() & 0xFFFF_FFFFL;
            int included = b.getInt(), original = b.getInt();
            if (included < 0 || included > b.remaining())
                throw new IOException(file + ": record " + records.size() + " is truncated");
            byte[] data = new byte[included];
            b.get(data);
            records.add(new Record(seconds * 1_000_000 + (nanos ? fraction / 1000 : fraction), original, data));
        }
        return new Capture(linkType, snapLength, List.copyOf(records));
    }
}
