package dev.vireo.machine.bus;

/**
 * The guest physical address map outside RAM: non-overlapping windows, each owned by one
 * {@link MmioDevice} ({@link AddressWindows}: registered while the machine is built, looked up
 * without a lock on vCPU threads).
 */
public final class MmioBus {
    private final AddressWindows<MmioDevice> windows = new AddressWindows<>("MMIO window");

    public void register(long base, long size, MmioDevice device) {
        windows.register(base, size, device);
    }

    private AddressWindows.Window<MmioDevice> find(long address) { return windows.find(address); }

    /** True if some device owns {@code address}. */
    public boolean isMapped(long address) { return find(address) != null; }

    /**
     * Reads {@code size} bytes at {@code address}.
     *
     * @throws UnmappedAccessException if no device owns the address (the CPU turns this into
     *     an access fault)
     */
    public long read(long address, int size) {
        AddressWindows.Window<MmioDevice> w = find(address);
        if (w == null) throw UnmappedAccessException.INSTANCE;
        return w.device().read(address - w.base(), size);
    }

    public void write(long address, int size, long value) {
        AddressWindows.Window<MmioDevice> w = find(address);
        if (w == null) throw UnmappedAccessException.INSTANCE;
        w.device().write(address - w.base(), size, value);
    }

    /** Thrown (preallocated, without a stack trace) for an access no device owns. */
    public static final class UnmappedAccessException extends RuntimeException {
        static final UnmappedAccessException INSTANCE = new UnmappedAccessException();

        private UnmappedAccessException() {
            super("unmapped guest physical address", null, false, false);
        }
    }
}
