package dev.vireo.net.dhcp;

import dev.vireo.net.frame.Ipv4;
import dev.vireo.net.frame.MacAddress;

/**
 * Reads and writes BOOTP/DHCP messages (RFC 2131 §2, options RFC 2132) inside a UDP payload.
 *
 * <pre>
 *  0 op | 1 htype | 2 hlen | 3 hops | 4 xid (4) | 8 secs (2) | 10 flags (2, bit 15 = BROADCAST)
 * 12 ciaddr | 16 yiaddr | 20 siaddr | 24 giaddr | 28 chaddr (16) | 44 sname (64) | 108 file (128)
 * 236 magic cookie 99.130.83.99 | 240 options: code, length, value … 255 end
 * </pre>
 */
public final class DhcpMessage {
    public static final int SERVER_PORT = 67, CLIENT_PORT = 68;
    public static final int BOOTREQUEST = 1, BOOTREPLY = 2;
    public static final int DISCOVER = 1, OFFER = 2, REQUEST = 3, DECLINE = 4, ACK = 5, NAK = 6, RELEASE = 7, INFORM = 8;
    public static final int OPT_PAD = 0, OPT_SUBNET_MASK = 1, OPT_ROUTER = 3, OPT_DNS = 6, OPT_HOSTNAME = 12,
            OPT_DOMAIN = 15, OPT_MTU = 26, OPT_REQUESTED_IP = 50, OPT_LEASE_TIME = 51, OPT_MESSAGE_TYPE = 53,
            OPT_SERVER_ID = 54, OPT_MESSAGE = 56, OPT_RENEWAL = 58, OPT_REBINDING = 59, OPT_END = 255;
    public static final int FIXED_LENGTH = 240, FLAG_BROADCAST = 0x8000;
    private static final int COOKIE = 0x63825363;

    private DhcpMessage() {}

    /** Whether {@code length} bytes at {@code p} hold a well-formed Ethernet-addressed DHCP message. */
    public static boolean valid(byte[] b, int p, int length) {
        return length >= FIXED_LENGTH && (b[p + 1] & 0xFF) == 1 && (b[p + 2] & 0xFF) == 6 && Ipv4.read(b, p + 236) == COOKIE;
    }

    public static int op(byte[] b, int p) { return b[p] & 0xFF; }
    public static int xid(byte[] b, int p) { return Ipv4.read(b, p + 4); }
    public static int flags(byte[] b, int p) { return ((b[p + 10] & 0xFF) << 8) | (b[p + 11] & 0xFF); }
    public static int ciaddr(byte[] b, int p) { return Ipv4.read(b, p + 12); }
    public static int yiaddr(byte[] b, int p) { return Ipv4.read(b, p + 16); }
    public static int giaddr(byte[] b, int p) { return Ipv4.read(b, p + 24); }
    public static long chaddr(byte[] b, int p) { return MacAddress.read(b, p + 28); }

    /**
     * Finds option {@code code}; returns the index of its value (length at index-1) or -1.
     * Stops at END or at a length that would run past the message.
     */
    public static int option(byte[] b, int p, int length, int code) {
        int i = p + FIXED_LENGTH, end = p + length;
        while (i < end) {
            int c = b[i] & 0xFF;
            if (c == OPT_END) return -1;
            if (c == OPT_PAD) {
                i++;
                continue;
            }
            if (i + 1 >= end) return -1;
            int n = b[i + 1] & 0xFF;
            if (i + 2 + n > end) return -1;
            if (c == code) return i + 2;
            i += 2 + n;
        }
        return -1;
    }

    /** The value of a 4-byte address option, or 0 when absent or the wrong size. */
    public static int addressOption(byte[] b, int p, int length, int code) {
        int v = option(b, p, length, code);
        return v < 0 || (b[v - 1] & 0xFF) < 4 ? 0 : Ipv4.read(b, v);
    }

    /** Option 53, or -1 when missing. */
    public static int messageType(byte[] b, int p, int length) {
        int v = option(b, p, length, OPT_MESSAGE_TYPE);
        return v < 0 || (b[v - 1] & 0xFF) != 1 ? -1 : b[v] & 0xFF;
    }

    /** Writes the fixed part of a message at {@code p} (zeroing sname/file) and returns the options index. */
    public static int writeHeader(byte[] b, int p, int op, int xid, int flags, int ciaddr, int yiaddr, int siaddr, long chaddr) {
        java.util.Arrays.fill(b, p, p + FIXED_LENGTH, (byte) 0);
        b[p] = (byte) op;
        b[p + 1] = 1;
        b[p + 2] = 6;
        Ipv4.write(b, p + 4, xid);
        b[p + 10] = (byte) (flags >>> 8);
        b[p + 11] = (byte) flags;
        Ipv4.write(b, p + 12, ciaddr);
        Ipv4.write(b, p + 16, yiaddr);
        Ipv4.write(b, p + 20, siaddr);
        MacAddress.write(b, p + 28, chaddr);
        Ipv4.write(b, p + 236, COOKIE);
        return p + FIXED_LENGTH;
    }

    /** Writes option {@code code} with one byte; returns the next index. */
    public static int putByte(byte[] b, int i, int code, int value) {
        b[i] = (byte) code;
        b[i + 1] = 1;
        b[i + 2] = (byte) value;
        return i + 3;
    }

    /** Writes option {@code code} with a 32-bit value (address or seconds). */
    public static int putInt(byte[] b, int i, int code, int value) {
        b[i] = (byte) code;
        b[i + 1] = 4;
        Ipv4.write(b, i + 2, value);
        return i + 6;
    }

    /** Writes option {@code code} with a list of addresses (routers, DNS servers). */
    public static int putAddresses(byte[] b, int i, int code, int[] addresses) {
        b[i] = (byte) code;
        b[i + 1] = (byte) (addresses.length * 4);
        for (int k = 0; k < addresses.length; k++) Ipv4.write(b, i + 2 + 4 * k, addresses[k]);
        return i + 2 + addresses.length * 4;
    }

    public static int putText(byte[] b, int i, int code, String text) {
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int n = Math.min(bytes.length, 255);
        b[i] = (byte) code;
        b[i + 1] = (byte) n;
        System.arraycopy(bytes, 0, b, i + 2, n);
        return i + 2 + n;
    }

    public static int putEnd(byte[] b, int i) {
        b[i] = (byte) OPT_END;
        return i + 1;
    }
}
