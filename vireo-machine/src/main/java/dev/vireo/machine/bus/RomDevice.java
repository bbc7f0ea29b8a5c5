package dev.vireo.machine.bus;

/**
 * A small read-only memory window (a board's mask ROM): reads return its bytes (zero past
 * them), guest writes are ignored as on real ROM. Immutable, so safe from any thread.
 */
public final class RomDevice implements MmioDevice {
    private final byte[] bytes;

    public RomDevice(byte[] bytes) {
        this.bytes = bytes.clone();
    }

    @Override
    public long read(long offset, int size) {
        long value = 0;
        for (int i = size - 1; i >= 0; i--) {
            long at = offset + i;
            int b = at >= 0 && at < bytes.length ? bytes[(int) at] & 0xFF : 0;
            value = value << 8 | b;
        }
        return value;
    }

    @Override
    public void write(long offset, int size, long value) {
        // ROM: writes are ignored.
    }
}
