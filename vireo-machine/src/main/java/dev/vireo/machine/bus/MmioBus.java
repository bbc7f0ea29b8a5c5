package dev.vireo.machine.bus;

import java.util.Arrays;

/**
 * The guest physical address map outside RAM: non-overlapping windows, each owned by one
 * {@link MmioDevice}. Registration happens while the machine is built; lookups (on vCPU
 * threads) read an immutable sorted array and take no lock.
 */
public final class MmioBus {
    private record Window(long base, long size, MmioDevice device) {}

    private volatile Window[] windows = new Window[0];

    public synchronized void register(long base, long size, MmioDevice device) {
        if (size <= 0) throw new IllegalArgumentException("window size must be positive");
        for (Window w : windows) {
            if (base < w.base + w.size && w.base < base + size) {
                throw new IllegalArgumentException(String.format(
                        "MMIO window 0x%x+0x%x overlaps 0x%x+0x%x", base, size, w.base, w.size));
            }
        }
        Window[] next = Arrays.copyOf(windows, windows.length + 1);
        next[windows.length] = new Window(base, size, device);
        Arrays.sort(next, (a, b) -> Long.compareUnsigned(a.base, b.base));
        windows = next;
    }

    private Window find(long address) {
        Window[] ws = windows;
        int lo = 0, hi = ws.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Window w = ws[mid];
            if (Long.compareUnsigned(address, w.base) < 0) hi = mid - 1;
            else if (Long.compareUnsigned(address - w.base, w.size) >= 0) lo = mid + 1;
            else return w;
        }
        return null;
    }

    /** True if some device owns {@code address}. */
    public boolean isMapped(long address) { return find(address) != null; }

    /**
     * Reads {@code size} bytes at {@code address}.
     *
     * @throws UnmappedAccessException if no device owns the address (the CPU turns this into
     *     an access fault)
     */
    public long read(long address, int size) {
        Window w = find(address);
        if (w == null) throw UnmappedAccessException.INSTANCE;
        return w.device.read(address - w.base, size);
    }

    public void write(long address, int size, long value) {
        Window w = find(address);
        if (w == null) throw UnmappedAccessException.INSTANCE;
        w.device.write(address - w.base, size, value);
    }

    /** Thrown (preallocated, without a stack trace) for an access no device owns. */
    public static final class UnmappedAccessException extends RuntimeException {
        static final UnmappedAccessException INSTANCE = new UnmappedAccessException();

        private UnmappedAccessException() {
            super("unmapped guest physical address", null, false, false);
        }
    }
}
