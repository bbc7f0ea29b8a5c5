package dev.vireo.riscv.cpu;

import java.lang.invoke.VarHandle;
import java.util.Arrays;

import static dev.vireo.riscv.cpu.Op.*;

/**
 * The hart's inner loop: fetches pre-decoded instructions from the current {@link DecodedPage},
 * executes the common integer, load/store and branch operations inline and hands the rest to
 * {@link Alu} and {@link SystemOps}. No allocation and no exception on the hot path; a guest
 * trap arrives as the hart's preallocated {@link Trap} and is delivered here.
 *
 * <p>The loop method must stay below HotSpot's 8000-byte limit for compiling huge methods.
 */
final class Interpreter {
    private final Hart hart;
    private final long[] x;
    private final Mmu mmu;
    private final SystemOps system;
    /** The block classes of the machine's harts. */
    private final BlockTable table;
    /** Translates hot code to JVM bytecode; null when translation is off ({@code -Dvireo.riscv.jit=false}). */
    Translator translator = Translator.fromSystemProperties();
    /** Instructions executed so far in the current batch (read by counter CSRs). */
    int executed;
    /** Counters for {@code -Dvireo.riscv.trace=stats}. */
    long systemOps, traps, blockInstructions, blockRuns;
    /** The last block that looped until the budget ran out, and the registers it left (see {@link #spinWait}). */
    private Block spinBlock;
    private final long[] spinRegisters = new long[32];
    /** Set when the batch ended in a spin-wait; {@link Hart#step} clears it. Counted in {@code spinPauses}. */
    boolean spinning;
    long spinPauses;
    static final boolean PROFILE = Boolean.getBoolean("vireo.riscv.profile");
    final long[] opNanos = new long[256], opCount = new long[256];

    Interpreter(Hart hart, SystemOps system) {
        this.hart = hart;
        this.x = hart.x;
        this.mmu = hart.mmu;
        this.system = system;
        this.table = hart.blockTable;
    }

    /** Runs at most {@code budget} instructions from hart.pc; returns how many retired or trapped. */
    int run(int budget) {
        final long[] x = this.x;
        final Mmu mmu = this.mmu;
        long pc = hart.pc;
        long curPage = -1;
        DecodedPage page = null;
        long[] slots = null;
        final Translator translator = this.translator;
        final BlockTable table = this.table;
        Block[] blocks = null;
        Block active = null; // the block running, if any, when a trap arrives
        boolean entry = true; // pc may start a block: after a jump, branch, block, system op, trap or page change
        int n = 0, limit = budget;
        while (n < limit) {
            try {
                while (n < limit) {
                    if ((pc >>> 12) != curPage) {
                        page = mmu.fetchPage(pc);
                        slots = page.slots;
                        if (translator != null) blocks = page.blocks();
                        curPage = pc >>> 12;
                        entry = true;
                    }
                    int idx = (int) (pc & 0xFFF) >>> 1;
                    if (entry && translator != null) {
                        Block block = (Block) Translator.BLOCK_ARRAY.getAcquire(blocks, idx);
                        if (block != null) {
                            if (block.length <= limit - n) {
                                active = block;
                                long start = pc;
                                pc = block.run(pc, x, mmu, limit - n);
                                active = null;
                                n += block.count;
                                if (pc == start && block.count > block.length && spinWait(block)) limit = n;
                                blockInstructions += block.count;
                                blockRuns++;
                                if ((block.executed += block.count) >= translator.hotThreshold && !block.hot && !block.hotRequested) {
                                    block.hotRequested = true;
                                    translator.request(table, page, idx, true);
                                }
                                if (page.dropped) curPage = -1;
                                continue;
                            }
                        } else if (++page.heat[idx] >= translator.checkThreshold) {
                            translator.warm(table, page, idx); // a block from another hart, or heat summed over the harts
                            continue;
                        }
                    }
                    entry = false;
                    long slot = slots[idx];
                    if (slot == 0) slot = decodeSlot(page, idx, pc);
                    int w = (int) slot, im = (int) (slot >> 32);
                    int rd = (w >>> RD_SHIFT) & 63, rs1 = (w >>> RS1_SHIFT) & 31, rs2 = (w >>> RS2_SHIFT) & 31;
                    long next = pc + ((w & COMPRESSED) != 0 ? 2 : 4);
                    n++;
                    switch (w & 0xFF) {
                        case LUI -> x[rd] = im;
                        case AUIPC -> x[rd] = pc + im;
                        case JAL -> { x[rd] = next; next = pc + im; entry = true; }
                        case JALR -> { long t = (x[rs1] + im) & ~1L; x[rd] = next; next = t; entry = true; }
                        case BEQ -> { if (x[rs1] == x[rs2]) next = pc + im; entry = true; }
                        case BNE -> { if (x[rs1] != x[rs2]) next = pc + im; entry = true; }
                        case BLT -> { if (x[rs1] < x[rs2]) next = pc + im; entry = true; }
                        case BGE -> { if (x[rs1] >= x[rs2]) next = pc + im; entry = true; }
                        case BLTU -> { if (Long.compareUnsigned(x[rs1], x[rs2]) < 0) next = pc + im; entry = true; }
                        case BGEU -> { if (Long.compareUnsigned(x[rs1], x[rs2]) >= 0) next = pc + im; entry = true; }
                        case LB -> x[rd] = mmu.lb(x[rs1] + im);
                        case LH -> x[rd] = mmu.lh(x[rs1] + im);
                        case LW -> x[rd] = mmu.lw(x[rs1] + im);
                        case LD -> x[rd] = mmu.ld(x[rs1] + im);
                        case LBU -> x[rd] = mmu.lb(x[rs1] + im) & 0xFF;
                        case LHU -> x[rd] = mmu.lh(x[rs1] + im) & 0xFFFF;
                        case LWU -> x[rd] = mmu.lw(x[rs1] + im) & 0xFFFFFFFFL;
                        case SB -> { mmu.sb(x[rs1] + im, x[rs2]); if (slots[idx] == 0) curPage = -1; }
                        case SH -> { mmu.sh(x[rs1] + im, x[rs2]); if (slots[idx] == 0) curPage = -1; }
                        case SW -> { mmu.sw(x[rs1] + im, x[rs2]); if (slots[idx] == 0) curPage = -1; }
                        case SD -> { mmu.sd(x[rs1] + im, x[rs2]); if (slots[idx] == 0) curPage = -1; }
                        case ADDI -> x[rd] = x[rs1] + im;
                        case SLTI -> x[rd] = x[rs1] < im ? 1 : 0;
                        case SLTIU -> x[rd] = Long.compareUnsigned(x[rs1], im) < 0 ? 1 : 0;
                        case XORI -> x[rd] = x[rs1] ^ im;
                        case ORI -> x[rd] = x[rs1] | im;
                        case ANDI -> x[rd] = x[rs1] & im;
                        case SLLI -> x[rd] = x[rs1] << im;
                        case SRLI -> x[rd] = x[rs1] >>> im;
                        case SRAI -> x[rd] = x[rs1] >> im;
                        case ADD -> x[rd] = x[rs1] + x[rs2];
                        case SUB -> x[rd] = x[rs1] - x[rs2];
                        case SLL -> x[rd] = x[rs1] << x[rs2];
                        case SLT -> x[rd] = x[rs1] < x[rs2] ? 1 : 0;
                        case SLTU -> x[rd] = Long.compareUnsigned(x[rs1], x[rs2]) < 0 ? 1 : 0;
                        case XOR -> x[rd] = x[rs1] ^ x[rs2];
                        case SRL -> x[rd] = x[rs1] >>> x[rs2];
                        case SRA -> x[rd] = x[rs1] >> x[rs2];
                        case OR -> x[rd] = x[rs1] | x[rs2];
                        case AND -> x[rd] = x[rs1] & x[rs2];
                        case ADDIW -> x[rd] = (int) (x[rs1] + im);
                        case SLLIW -> x[rd] = (int) x[rs1] << im;
                        case SRLIW -> x[rd] = (int) x[rs1] >>> im;
                        case SRAIW -> x[rd] = (int) x[rs1] >> im;
                        case ADDW -> x[rd] = (int) (x[rs1] + x[rs2]);
                        case SUBW -> x[rd] = (int) (x[rs1] - x[rs2]);
                        case SLLW -> x[rd] = (int) x[rs1] << (int) x[rs2];
                        case SRLW -> x[rd] = (int) x[rs1] >>> (int) x[rs2];
                        case SRAW -> x[rd] = (int) x[rs1] >> (int) x[rs2];
                        case FENCE -> VarHandle.fullFence(); // every FENCE as fence rw,rw (as translated blocks do)
                        default -> {
                            int op = w & 0xFF;
                            if (op >= FIRST_RR) {
                                x[rd] = Alu.compute(op, x[rs1], op >= FIRST_RI ? im : x[rs2]);
                            } else {
                                executed = n;
                                systemOps++;
                                hart.pc = pc;
                                if (PROFILE) {
                                    long t0 = System.nanoTime();
                                    if (system.execute(w, im, pc, next)) limit = n;
                                    opNanos[w & 0xFF] += System.nanoTime() - t0;
                                    opCount[w & 0xFF]++;
                                } else if (system.execute(w, im, pc, next)) {
                                    limit = n;
                                }
                                next = hart.pc;
                                curPage = -1;
                            }
                        }
                    }
                    pc = next;
                }
            } catch (Trap t) {
                if (active != null) { // precise: the block reports the trapping instruction and its count
                    pc = active.faultPc;
                    n += active.count;
                    active = null;
                }
                traps++;
                n++; // a trap counts toward the budget, so a trap loop still returns to the outer loop
                hart.enterTrap(t.cause, t.tval, pc);
                pc = hart.pc;
                curPage = -1;
            }
        }
        hart.pc = pc;
        return n;
    }

    /**
     * Called when {@code block} looped in itself until the batch's budget ran out: true if it did
     * so twice in a row leaving every register as it was, i.e. the hart spins on memory that
     * another hart or a device will change (OpenSBI's secondary harts wait so for the boot hart,
     * some 20 M instructions). The hart then gives its host core away for a moment
     * ({@link Hart#step}): the guest only sees the wait take longer, as on a host that
     * deschedules a spinning vCPU (pause-loop exiting).
     */
    private boolean spinWait(Block block) {
        if (block == spinBlock && Arrays.equals(x, 1, 32, spinRegisters, 1, 32)) {
            spinning = true;
            spinPauses++;
            return true;
        }
        spinBlock = block;
        System.arraycopy(x, 1, spinRegisters, 1, 31);
        return false;
    }

    /** Decodes the slot at {@code idx} of {@code page} (whose instruction is at {@code pc}). */
    private long decodeSlot(DecodedPage page, int idx, long pc) {
        int low = page.parcel(idx * 2);
        if ((low & 3) != 3) return page.slots[idx] = CompressedDecoder.decode(low);
        if (idx == DecodedPage.SLOTS - 1) {
            // A 32-bit instruction crossing into the next page: decoded afresh every time, never cached.
            return Decoder.decode(low | mmu.fetch16(pc + 2) << 16);
        }
        return page.slots[idx] = Decoder.decode(page.word(idx * 2));
    }
}
