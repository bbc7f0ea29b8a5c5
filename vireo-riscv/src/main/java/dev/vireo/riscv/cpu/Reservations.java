package dev.vireo.riscv.cpu;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * LR/SC reservation sets shared by all harts of one machine (RISC-V unprivileged §8.2):
 * a store by any hart to a reserved address invalidates other harts' reservations there.
 * One instance per machine, passed to every {@link Hart}.
 *
 * <p>A reservation is the RAM offset of the reserved word and the value LR read. SC succeeds
 * only if the reservation is still held and a compare-and-set from that value succeeds, so a
 * plain store by another hart that changed the word also fails the SC; SCs and AMOs by other
 * harts invalidate the reservation explicitly ({@link #storeBy}).
 */
public final class Reservations {
    private static final long NONE = -1;
    private final AtomicLongArray address;
    private final long[] value;

    public Reservations(int harts) {
        if (harts <= 0) throw new IllegalArgumentException("a machine needs at least one hart, got " + harts);
        address = new AtomicLongArray(harts);
        value = new long[harts];
        for (int i = 0; i < harts; i++) address.set(i, NONE);
    }

    void reserve(int hart, long offset, long loaded) {
        value[hart] = loaded;
        address.set(hart, offset);
    }

    boolean matches(int hart, long offset) { return address.get(hart) == offset; }

    long value(int hart) { return value[hart]; }

    void clear(int hart) { address.set(hart, NONE); }

    /** A successful SC or AMO by {@code hart} at {@code offset}: other harts lose reservations there. */
    void storeBy(int hart, long offset) {
        long granule = offset & ~7L;
        for (int i = 0; i < address.length(); i++) {
            if (i != hart && (address.get(i) & ~7L) == granule) address.compareAndSet(i, address.get(i), NONE);
        }
    }
}
