package dev.vireo.machine.bus;

/**
 * A device's range of x86 I/O ports. Offsets are relative to the range's first port; sizes
 * are 1, 2 or 4 bytes. Called on vCPU threads (several at once on SMP guests): implementations
 * synchronize their own state, and ignore accesses they do not understand (reads return
 * all-ones) rather than throw.
 */
public interface PioDevice {
    long read(int offset, int size);

    void write(int offset, int size, long value);
}
