package dev.vireo.machine.bus;

/**
 * A device register window on the memory bus. Offsets are relative to the window's base;
 * sizes are 1, 2, 4 or 8 bytes; values are little-endian and zero-extended.
 *
 * <p>Called on vCPU threads (several at once on SMP guests): implementations synchronize
 * their own state. A device never throws for a guest access it does not understand: it
 * ignores the write or reads zero (and may log once).
 */
public interface MmioDevice {
    long read(long offset, int size);

    void write(long offset, int size, long value);
}
