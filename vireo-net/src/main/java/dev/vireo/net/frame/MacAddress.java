package dev.vireo.net.frame;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * 48-bit Ethernet addresses held in the low bits of a {@code long} (first octet most
 * significant), so that the switch path compares and hashes them without allocating.
 */
public final class MacAddress {
    public static final long BROADCAST = 0xFFFF_FFFF_FFFFL;
    /** "No address" in rules and tables; not a valid 48-bit value. */
    public static final long NONE = -1L;

    private MacAddress() {}

    /** Reads six bytes at {@code offset}. */
    public static long read(byte[] b, int offset) {
        return ((long) (b[offset] & 0xFF) << 40) | ((long) (b[offset + 1] & 0xFF) << 32)
                | ((long) (b[offset + 2] & 0xFF) << 24) | ((long) (b[offset + 3] & 0xFF) << 16)
                | ((long) (b[offset + 4] & 0xFF) << 8) | (b[offset + 5] & 0xFF);
    }

    public static void write(byte[] b, int offset, long mac) {
        for (int i = 0; i < 6; i++) b[offset + i] = (byte) (mac >>> (40 - 8 * i));
    }

    /** Group (multicast or broadcast) addresses have the I/G bit, bit 0 of the first octet. */
    public static boolean isMulticast(long mac) {
        return (mac & 0x0100_0000_0000L) != 0;
    }

    /** Parses {@code aa:bb:cc:dd:ee:ff} (or with '-'). */
    public static long parse(String text) {
        String[] parts = text.trim().split("[:-]");
        if (parts.length != 6) throw new IllegalArgumentException("MAC address '" + text
                + "' must be six hex octets such as 52:54:00:12:34:56");
        long mac = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 2) throw new IllegalArgumentException("MAC address '" + text
                    + "' must be six hex octets such as 52:54:00:12:34:56");
            try {
                mac = (mac << 8) | Integer.parseInt(part, 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("MAC address '" + text + "' has a non-hex octet '" + part + "'");
            }
        }
        return mac;
    }

    public static String format(long mac) {
        StringBuilder sb = new StringBuilder(17);
        for (int i = 0; i < 6; i++) {
            if (i > 0) sb.append(':');
            int octet = (int) (mac >>> (40 - 8 * i)) & 0xFF;
            sb.append(Character.forDigit(octet >> 4, 16)).append(Character.forDigit(octet & 0xF, 16));
        }
        return sb.toString();
    }

    /**
     * A stable, locally administered unicast address derived from {@code name} (a VM name):
     * prefix 52:54:00 like other hypervisors' "locally administered" ranges, then three octets
     * of SHA-256 of the name. Same name, same MAC, on every host.
     */
    public static long derive(String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return 0x5254_0000_0000L | ((long) (digest[0] & 0xFF) << 16) | ((digest[1] & 0xFF) << 8) | (digest[2] & 0xFF);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("SHA-256 is a required JDK algorithm", e);
        }
    }
}
