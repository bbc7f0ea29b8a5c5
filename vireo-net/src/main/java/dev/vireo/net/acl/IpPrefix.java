package dev.vireo.net.acl;

import dev.vireo.net.frame.Ipv4;
import dev.vireo.net.frame.PacketView;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 prefix ({@code 10.0.0.0/24}, {@code fd00::/64}). IPv4 lives in the low 32
 * bits of {@code low}, the same convention as {@link PacketView}.
 */
public record IpPrefix(int version, long high, long low, int length) {
    public IpPrefix {
        int max = version == 4 ? 32 : 128;
        if ((version != 4 && version != 6) || length < 0 || length > max)
            throw new IllegalArgumentException("prefix length " + length + " out of range for IPv" + version);
    }

    public static IpPrefix parse(String text) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        if (address.contains(":")) {
            if (!address.matches("[0-9a-fA-F:.]+"))
                throw new IllegalArgumentException("'" + text + "' is not an IPv6 prefix such as fd00::/64");
            int length = slash < 0 ? 128 : parseLength(text, slash, 128);
            byte[] bytes;
            try {
                InetAddress parsed = InetAddress.getByName(address); // literal only: no DNS for hex/colon text
                if (!(parsed instanceof Inet6Address)) throw new UnknownHostException(address);
                bytes = parsed.getAddress();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv6 prefix such as fd00::/64");
            }
            long high = 0, low = 0;
            for (int i = 0; i < 8; i++) high = (high << 8) | (bytes[i] & 0xFF);
            for (int i = 8; i < 16; i++) low = (low << 8) | (bytes[i] & 0xFF);
            return new IpPrefix(6, high, low, length);
        }
        int length = slash < 0 ? 32 : parseLength(text, slash, 32);
        return new IpPrefix(4, 0, Ipv4.parse(address) & 0xFFFF_FFFFL, length);
    }

    private static int parseLength(String text, int slash, int max) {
        try {
            int length = Integer.parseInt(text.substring(slash + 1));
            if (length < 0 || length > max) throw new NumberFormatException();
            return length;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("prefix '" + text + "' needs a length 0.." + max + " after '/'");
        }
    }

    /** Whether the address ({@code version}, {@code addressHigh}, {@code addressLow}) is inside. */
    public boolean contains(int addressVersion, long addressHigh, long addressLow) {
        if (addressVersion != version) return false;
        if (version == 4) {
            long mask = Ipv4.mask(length) & 0xFFFF_FFFFL;
            return ((addressLow ^ low) & mask) == 0;
        }
        if (length <= 64) {
            long mask = length == 0 ? 0 : -1L << (64 - length);
            return ((addressHigh ^ high) & mask) == 0;
        }
        long mask = length == 128 ? -1L : -1L << (128 - length);
        return addressHigh == high && ((addressLow ^ low) & mask) == 0;
    }

    @Override
    public String toString() {
        if (version == 4) return Ipv4.format((int) low) + "/" + length;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i > 0) sb.append(':');
            long half = i < 4 ? high : low;
            sb.append(Long.toHexString((half >>> (48 - 16 * (i % 4))) & 0xFFFF));
        }
        return sb.append('/').append(length).toString();
    }
}
