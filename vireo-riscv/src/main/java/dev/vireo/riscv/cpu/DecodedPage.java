package dev.vireo.riscv.cpu;

import dev.vireo.machine.memory.GuestMemory;

import java.lang.foreign.MemorySegment;

/**
 * The pre-decoded instructions of one 4 KiB page of guest RAM, one slot per 16-bit parcel
 * (RVC allows instructions at every even address). Slots are decoded lazily, from a snapshot of
 * the page taken when the page was created, so the decoded slots always agree with the snapshot;
 * FENCE.I then only has to compare the snapshot with memory ({@link CodeCache#verify}). Code 0
 * means "not decoded yet". See {@link Op} for the slot format.
 */
final class DecodedPage {
    static final int SLOTS = 2048;

    /** Offset of the page in guest RAM's segment. */
    final long ramOffset;
    /** Decoded slots: code word in the low 32 bits, immediate in the high 32 (one load per instruction). */
    final long[] slots = new long[SLOTS];
    /** The page's bytes when it was created. */
    final MemorySegment snapshot;
    /** The {@link CodeCache} epoch at which the snapshot was last known to match memory. */
    int epoch;
    /** Set when a store dropped the page from the cache. */
    boolean dropped;
    /** Translated blocks by starting slot ({@link Block#NONE} where none can start); null until the first is asked for. */
    Block[] blocks;
    /** How often each slot started an interpreter dispatch, until a block is translated from it. */
    int[] heat;

    DecodedPage(long ramOffset, MemorySegment ram, int epoch) {
        this.ramOffset = ramOffset;
        this.snapshot = MemorySegment.ofArray(new byte[4096]);
        MemorySegment.copy(ram, ramOffset, snapshot, 0, 4096);
        this.epoch = epoch;
    }

    /** Allocates {@link #blocks} and {@link #heat} (only when translation is on). */
    Block[] blocks() {
        if (blocks == null) {
            heat = new int[SLOTS];
            blocks = new Block[SLOTS];
        }
        return blocks;
    }

    /**
     * The instruction at slot {@code idx} decoded from the snapshot without caching it (0 for one
     * that crosses into the next page). Safe from any thread: the snapshot never changes, and the
     * slots, which a store to the page clears, are left alone.
     */
    long decodeUncached(int idx) {
        int low = parcel(idx * 2);
        if ((low & 3) != 3) return CompressedDecoder.decode(low);
        if (idx == SLOTS - 1) return 0;
        return Decoder.decode(word(idx * 2));
    }

    int parcel(int offset) { return snapshot.get(GuestMemory.SHORT, offset) & 0xFFFF; }

    int word(int offset) { return snapshot.get(GuestMemory.INT, offset); }
}
