package dev.vireo.machine.bus;

/**
 * The x86 I/O port space (0..0xFFFF): non-overlapping ranges, each owned by one
 * {@link PioDevice} ({@link AddressWindows}: registered while the machine is built, looked up
 * without a lock on vCPU threads).
 */
public final class PioBus {
    private final AddressWindows<PioDevice> ranges = new AddressWindows<>("ports");

    public void register(int first, int count, PioDevice device) {
        if (count <= 0 || first < 0 || first + count > 0x10000) {
            throw new IllegalArgumentException(String.format("bad port range 0x%x+%d", first, count));
        }
        ranges.register(first, count, device);
    }

    private AddressWindows.Window<PioDevice> find(int port) { return ranges.find(port); }

    /** True if some device owns {@code port}. */
    public boolean isMapped(int port) { return find(port) != null; }

    /**
     * Reads {@code size} bytes from {@code port}.
     *
     * @return the value, or -1 if no device owns the port (the caller decides what the guest sees)
     */
    public long read(int port, int size) {
        AddressWindows.Window<PioDevice> r = find(port);
        return r == null ? -1 : r.device().read(port - (int) r.base(), size);
    }

    /** Writes to {@code port}; returns false if no device owns it. */
    public boolean write(int port, int size, long value) {
        AddressWindows.Window<PioDevice> r = find(port);
        if (r == null) return false;
        r.device().write(port - (int) r.base(), size, value);
        return true;
    }
}
