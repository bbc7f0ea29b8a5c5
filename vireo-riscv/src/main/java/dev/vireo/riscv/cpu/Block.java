package dev.vireo.riscv.cpu;

/**
 * A straight-line run of guest instructions inside one {@link DecodedPage}, translated to JVM
 * bytecode by {@link Translator} (a hidden subclass implements {@link #run}). A block starts
 * anywhere in its page and ends with a jump (included), before an operation the interpreter
 * keeps (system, CSR, atomic and FP operations), at the end of the page or after
 * {@link Translator#MAX_LENGTH} instructions; it runs on past a conditional branch that is not
 * taken and leaves where one is. A branch or jump back to the block's own start loops inside
 * the block while the instruction budget allows a full further pass.
 *
 * <p>The code depends only on the page's bytes, never on the virtual address it runs at (the
 * start pc is an argument), so a block serves every mapping of its physical page. It lives and
 * dies with its page: a store to the page drops both. Made by the {@link Translator} (possibly on
 * its background thread, then published with a release store); run and counted by the hart's thread.
 */
abstract class Block {
    /** Marks a slot where no block can start (the first instruction is one the interpreter keeps). */
    static final Block NONE = new Block(null, Integer.MAX_VALUE) {
        @Override
        long run(long pc, long[] x, Mmu mmu, int budget) { throw new IllegalStateException("not a block"); }
    };

    /** The page whose instructions this block runs; checked after each store for self-modifying code. */
    final DecodedPage page;
    /** Instructions in one pass; the block is entered only with at least this much budget. */
    final int length;
    /**
     * Set by every exit of {@link #run}: instructions executed, counted as the interpreter counts
     * them (a trapping instruction included).
     */
    int count;
    /** Set before a guest trap leaves {@link #run}: the pc of the trapping instruction. */
    long faultPc;
    /** Instructions executed through this block, counted toward translating it again as hot. */
    int executed;
    /** Translated for HotSpot to inline everything (see {@link Translator#hotThreshold}). */
    boolean hot;
    /** Set by the hart once it has asked for this block to be translated again as hot. */
    boolean hotRequested;

    Block(DecodedPage page, int length) {
        this.page = page;
        this.length = length;
    }

    /**
     * Runs the block from {@code pc} (the virtual address of its first instruction) with
     * registers {@code x}, executing at most {@code budget} instructions; returns the next pc
     * and sets {@link #count}. A guest trap propagates after {@link #count}, {@link #faultPc} and
     * the registers written before the trapping instruction have been set.
     */
    abstract long run(long pc, long[] x, Mmu mmu, int budget);

    // Helpers called by translated code (small, so HotSpot inlines them).

    static long slt(long a, long b) { return a < b ? 1 : 0; }

    static long sltu(long a, long b) { return Long.compareUnsigned(a, b) < 0 ? 1 : 0; }
}
