package dev.vireo.machine.bus;

import java.util.Arrays;

/**
 * Non-overlapping windows {@code [base, base + size)} of an address space (unsigned 64-bit),
 * each owned by one device: the lookup both {@link MmioBus} and {@link PioBus} share.
 * Registration happens while a machine is built; lookups (on vCPU threads) read an immutable
 * sorted array and take no lock.
 *
 * @param <D> the device type of the bus
 */
final class AddressWindows<D> {
    record Window<D>(long base, long size, D device) {}

    private final String what;
    private volatile Window<D>[] windows;

    /** {@code what} names a window in overlap messages ("MMIO window", "ports"). */
    @SuppressWarnings("unchecked")
    AddressWindows(String what) {
        this.what = what;
        this.windows = (Window<D>[]) new Window<?>[0];
    }

    synchronized void register(long base, long size, D device) {
        if (size <= 0) throw new IllegalArgumentException(what + " size must be positive");
        for (Window<D> w : windows) {
            if (Long.compareUnsigned(base, w.base + w.size) < 0 && Long.compareUnsigned(w.base, base + size) < 0) {
                throw new IllegalArgumentException(String.format(
                        "%s 0x%x+0x%x overlaps 0x%x+0x%x", what, base, size, w.base, w.size));
            }
        }
        Window<D>[] next = Arrays.copyOf(windows, windows.length + 1);
        next[windows.length] = new Window<>(base, size, device);
        Arrays.sort(next, (a, b) -> Long.compareUnsigned(a.base, b.base));
        windows = next;
    }

    /** The window holding {@code address}, or null. */
    Window<D> find(long address) {
        Window<D>[] ws = windows;
        int lo = 0, hi = ws.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Window<D> w = ws[mid];
            if (Long.compareUnsigned(address, w.base) < 0) hi = mid - 1;
            else if (Long.compareUnsigned(address - w.base, w.size) >= 0) lo = mid + 1;
            else return w;
        }
        return null;
    }
}
