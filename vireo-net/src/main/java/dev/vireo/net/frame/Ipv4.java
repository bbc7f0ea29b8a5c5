package dev.vireo.net.frame;

/** IPv4 addresses as {@code int}s (network order: first octet most significant). */
public final class Ipv4 {
    private Ipv4() {}

    public static int read(byte[] b, int offset) {
        return ((b[offset] & 0xFF) << 24) | ((b[offset + 1] & 0xFF) << 16) | ((b[offset + 2] & 0xFF) << 8) | (b[offset + 3] & 0xFF);
    }

    public static void write(byte[] b, int offset, int address) {
        b[offset] = (byte) (address >>> 24);
        b[offset + 1] = (byte) (address >>> 16);
        b[offset + 2] = (byte) (address >>> 8);
        b[offset + 3] = (byte) address;
    }

    /** Parses dotted-quad text ({@code 10.0.2.15}). */
    public static int parse(String text) {
        String[] parts = text.trim().split("\\.", -1);
        if (parts.length != 4) throw new IllegalArgumentException("IPv4 address '" + text + "' must look like 10.0.2.15");
        int address = 0;
        for (String part : parts) {
            int octet;
            try {
                octet = Integer.parseInt(part);
            } catch (NumberFormatException e) {
                octet = -1;
            }
            if (octet < 0 || octet > 255 || part.isEmpty() || part.length() > 3)
                throw new IllegalArgumentException("IPv4 address '" + text + "' has an invalid octet '" + part + "'");
            address = (address << 8) | octet;
        }
        return address;
    }

    public static String format(int address) {
        return (address >>> 24) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "." + (address & 0xFF);
    }

    /** The netmask of a prefix length 0..32. */
    public static int mask(int prefixLength) {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }
}
