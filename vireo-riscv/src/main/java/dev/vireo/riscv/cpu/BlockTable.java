package dev.vireo.riscv.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The translated block classes of one guest RAM, shared by the harts of a machine. Each hart keeps
 * its own decoded pages and its own {@link Block} instances (a block's counters and its page are
 * the hart's), but the hidden class of a block is made once: a hart that wants a block another hart
 * already translated instantiates that class (a constructor call) instead of translating it again,
 * and HotSpot compiles each block's code once instead of once per hart.
 *
 * <p>An entry is keyed by the physical start of the block (RAM offset of the page plus the slot)
 * and whether it is hot. Its class is reused only for a page whose snapshot holds exactly the bytes
 * the class was made from ({@link Translation#bytes}: the instructions the block covers), so code
 * that changed at the same address (self-modifying code, a page reused for another program) never
 * runs an old translation; it is translated again and replaces the entry. An entry also sums the
 * heat its slot gathered on every hart ({@link #warm}), so a slot that several harts run is
 * translated once the harts together have dispatched it as often as one hart alone would have to.
 *
 * <p>Thread-safe without locks on the harts' dispatch path: harts read entries with plain
 * {@link ConcurrentHashMap#get} (lock-free) only every {@link Translator#checkThreshold}
 * dispatches of a warm slot and when they ask for a block; translations are immutable and published
 * through a volatile field. Bounded: at {@link #MAX_ENTRIES} entries the table is emptied (counted
 * in {@link #clears}); the blocks already made live on in their pages, only sharing starts afresh.
 * The table holds its classes strongly, so a class is unloaded only after its entry was replaced or
 * cleared and the pages that use it were dropped.
 */
public final class BlockTable {
    /** Entries kept before the table is emptied: some tens of MB of classes and bytes at most. */
    static final int MAX_ENTRIES = 1 << 17;

    /** One translated block class and the guest bytes it was translated from. */
    record Translation(MemorySegment bytes, int length, boolean hot, MethodHandle constructor) {
        /** True if slot {@code start} of {@code page} holds exactly the bytes this block was made from. */
        boolean matches(DecodedPage page, int start) {
            long from = start * 2L, size = bytes.byteSize();
            return from + size <= 4096
                    && MemorySegment.mismatch(bytes, 0, size, page.snapshot, from, from + size) == -1;
        }

        /** A new instance for {@code page} ({@link Block#NONE} for a slot where no block can start). */
        Block instantiate(DecodedPage page) {
            if (constructor == null) return Block.NONE;
            try {
                Block block = (Block) constructor.invokeExact(page, length);
                block.hot = hot;
                return block;
            } catch (Throwable e) {
                throw new IllegalStateException("instantiating a shared block failed", e);
            }
        }
    }

    /** A slot's shared state: the heat gathered on all harts and the latest translation. */
    static final class Entry {
        final AtomicInteger heat = new AtomicInteger();
        volatile Translation translation;
    }

    private final ConcurrentHashMap<Long, Entry> entries = new ConcurrentHashMap<>();
    /** Counters for {@code -Dvireo.riscv.trace=stats}. */
    final AtomicLong classes = new AtomicLong(), replaced = new AtomicLong(), clears = new AtomicLong();

    /** A table for the harts of one machine. */
    public BlockTable() { }

    private static long key(DecodedPage page, int start, boolean hot) {
        return (page.ramOffset + start * 2L) | (hot ? 1 : 0);
    }

    /** The entry of slot {@code start} of {@code page}, or null. */
    Entry get(DecodedPage page, int start, boolean hot) {
        return entries.get(key(page, start, hot));
    }

    private Entry entry(DecodedPage page, int start, boolean hot) {
        long key = key(page, start, hot);
        Entry e = entries.get(key);
        if (e != null) return e;
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
            clears.incrementAndGet();
        }
        return entries.computeIfAbsent(key, k -> new Entry());
    }

    /**
     * A new instance of the block at slot {@code start} of {@code page} if its class exists for
     * exactly the page's bytes, else null.
     */
    Block lookup(DecodedPage page, int start, boolean hot) {
        Entry e = get(page, start, hot);
        if (e == null) return null;
        Translation t = e.translation;
        return t != null && t.matches(page, start) ? t.instantiate(page) : null;
    }

    /**
     * Adds {@code dispatches} to the heat of slot {@code start} gathered on all harts; returns the
     * sum (not counted further once it has reached {@code limit}).
     */
    int warm(DecodedPage page, int start, int dispatches, int limit) {
        AtomicInteger heat = entry(page, start, false).heat;
        int h = heat.get();
        return h >= limit ? h : heat.addAndGet(dispatches);
    }

    /** Forgets the heat gathered for slot {@code start} (see {@link Translator#cool}). */
    void cool(DecodedPage page, int start) {
        Entry e = get(page, start, false);
        if (e != null && e.translation == null) e.heat.set(0);
    }

    /** Publishes a block's class for the other harts; replaces an older translation of the slot. */
    void put(DecodedPage page, int start, Translation translation) {
        Entry e = entry(page, start, translation.hot());
        if (e.translation != null) replaced.incrementAndGet();
        e.translation = translation;
        if (translation.constructor() != null) classes.incrementAndGet();
    }

    String statistics() {
        return String.format("shared table: %d entries, %d classes published (%d replaced changed code), emptied %d times",
                entries.size(), classes.get(), replaced.get(), clears.get());
    }
}
