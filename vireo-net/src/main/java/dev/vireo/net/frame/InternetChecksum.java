package dev.vireo.net.frame;

/** The ones' complement sum of RFC 1071, used by IPv4, ICMP, UDP and TCP. */
public final class InternetChecksum {
    private InternetChecksum() {}

    /** Adds {@code length} bytes at {@code offset} to a running 32-bit sum (not folded). */
    public static long add(long sum, byte[] b, int offset, int length) {
        int i = offset, end = offset + length;
        for (; i + 1 < end; i += 2) sum += ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
        if (i < end) sum += (b[i] & 0xFF) << 8;
        return sum;
    }

    /** Folds a running sum and complements it: the value to store in a checksum field. */
    public static int finish(long sum) {
        while ((sum >>> 16) != 0) sum = (sum & 0xFFFF) + (sum >>> 16);
        return (int) (~sum & 0xFFFF);
    }

    public static int compute(byte[] b, int offset, int length) {
        return finish(add(0, b, offset, length));
    }

    /** The IPv4 pseudo-header sum for a UDP or TCP checksum. */
    public static long ipv4PseudoHeader(int source, int destination, int protocol, int length) {
        return (source >>> 16) + (source & 0xFFFF) + (destination >>> 16) + (destination & 0xFFFF) + protocol + length;
    }
}
