package dev.vireo.machine.bus;

import java.util.Arrays;

/**
 * The x86 I/O port space (0..0xFFFF): non-overlapping ranges, each owned by one
 * {@link PioDevice}. Registration happens while the machine is built; lookups on vCPU
 * threads read an immutable array and take no lock.
 */
public final class PioBus {
    private record Range(int first, int count, PioDevice device) {}

    private volatile Range[] ranges = new Range[0];

    public synchronized void register(int first, int count, PioDevice device) {
        if (count <= 0 || first < 0 || first + count > 0x10000) {
            throw new IllegalArgumentException(String.format("bad port range 0x%x+%d", first, count));
        }
        for (Range r : ranges) {
            if (first < r.first + r.count && r.first < first + count) {
                throw new IllegalArgumentException(String.format(
                        "ports 0x%x+%d overlap 0x%x+%d", first, count, r.first, r.count));
            }
        }
        Range[] next = Arrays.copyOf(ranges, ranges.length + 1);
        next[ranges.length] = new Range(first, count, device);
        Arrays.sort(next, (a, b) -> Integer.compare(a.first, b.first));
        ranges = next;
    }

    private Range find(int port) {
        Range[] rs = ranges;
        int lo = 0, hi = rs.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Range r = rs[mid];
            if (port < r.first) hi = mid - 1;
            else if (port >= r.first + r.count) lo = mid + 1;
            else return r;
        }
        return null;
    }

    /** True if some device owns {@code port}. */
    public boolean isMapped(int port) { return find(port) != null; }

    /**
     * Reads {@code size} bytes from {@code port}.
     *
     * @return the value, or -1 if no device owns the port (the caller decides what the guest sees)
     */
    public long read(int port, int size) {
        Range r = find(port);
        return r == null ? -1 : r.device.read(port - r.first, size);
    }

    /** Writes to {@code port}; returns false if no device owns it. */
    public boolean write(int port, int size, long value) {
        Range r = find(port);
        if (r == null) return false;
        r.device.write(port - r.first, size, value);
        return true;
    }
}
