package dev.vireo.net.acl;

/** An inclusive TCP/UDP port range, {@code 80} or {@code 8000-8080}. */
public record PortRange(int low, int high) {
    public static final PortRange ANY = new PortRange(0, 65535);

    public PortRange {
        if (low < 0 || high > 65535 || low > high)
            throw new IllegalArgumentException("port range " + low + "-" + high + " must be within 0-65535, low first");
    }

    public static PortRange parse(String text) {
        try {
            int dash = text.indexOf('-');
            if (dash < 0) {
                int port = Integer.parseInt(text);
                return new PortRange(port, port);
            }
            return new PortRange(Integer.parseInt(text.substring(0, dash)), Integer.parseInt(text.substring(dash + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port range '" + text + "' must be N or N-M, e.g. 22 or 8000-8080");
        }
    }

    public boolean contains(int port) {
        return port >= low && port <= high;
    }

    @Override
    public String toString() {
        return low == high ? Integer.toString(low) : low + "-" + high;
    }
}
