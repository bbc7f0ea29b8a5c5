package dev.vireo.riscv.cpu;

import java.util.ArrayDeque;
import java.util.Arrays;

import static dev.vireo.riscv.cpu.Op.*;

/**
 * The guest instructions one {@link Block} translates: everything reachable from the block's
 * start inside its {@link DecodedPage} along fall-throughs, branches and direct jumps (not
 * calls), up to a cap, stopping at an indirect jump (JALR), an operation the interpreter keeps
 * and the page's end. A loop whose body lies in the page therefore becomes one JVM loop instead of several
 * blocks that each return to the interpreter between iterations. A first translation also stops
 * where another block of the page already starts, so that warm code is not translated twice; a
 * hot one does not, so that a loop split between two blocks becomes one.
 *
 * <p>The instructions are kept in address order (the order the translator emits them) and cut
 * into basic blocks: a basic block starts at the region's start, at a branch or jump target and
 * after a branch, and runs straight on. The translated code counts instructions per basic block
 * and enters one only when all of it fits the instruction budget, so a region never executes
 * more instructions than the interpreter would have in its place.
 */
final class Region {
    /** Slot of the first instruction executed. */
    final int start;
    /** Slots of the instructions, ascending. */
    final int[] slots;
    /** Decoded instructions, parallel to {@link #slots}. */
    final long[] code;
    /** Position of each instruction in its basic block, counting from 1. */
    final int[] inBlock;
    /** Instructions in the basic block that starts at each position; 0 where none starts. */
    final int[] blockLength;
    private final int[] position = new int[DecodedPage.SLOTS];

    private Region(int start, int[] slots, long[] code) {
        this.start = start;
        this.slots = slots;
        this.code = code;
        this.inBlock = new int[slots.length];
        this.blockLength = new int[slots.length];
        Arrays.fill(position, -1);
        for (int k = 0; k < slots.length; k++) position[slots[k]] = k;
        cutBasicBlocks();
    }

    /**
     * The region of {@code page} from slot {@code start}, at most {@code max} instructions; null if
     * the instruction at {@code start} cannot be translated. With {@code shareBlocks} it ends
     * where another block of the page starts.
     */
    static Region discover(DecodedPage page, int start, int max, boolean shareBlocks) {
        boolean[] member = new boolean[DecodedPage.SLOTS];
        int count = 0;
        ArrayDeque<Integer> work = new ArrayDeque<>();
        work.push(start);
        while (!work.isEmpty() && count < max) {
            int idx = work.pop();
            while (idx < DecodedPage.SLOTS && !member[idx] && count < max) {
                if (shareBlocks && idx != start && startsBlock(page, idx)) break; // enter that block rather than copy it
                long slot = page.decode(idx);
                int op = (int) slot & 0xFF;
                if (slot == 0 || !translatable(op)) break;
                member[idx] = true;
                count++;
                if (op == JALR) break;
                int target = branchTarget(idx, slot);
                if (op == JAL) {
                    // A call's callee returns through JALR, which leaves the region anyway: not followed.
                    if (inPage(target) && ((int) slot >>> RD_SHIFT & 63) == SINK) work.push(target);
                    break;
                }
                if (isBranch(op) && inPage(target)) work.push(target);
                idx = next(idx, slot);
            }
        }
        if (!member[start]) return null;
        int[] slots = new int[count];
        long[] code = new long[count];
        for (int idx = 0, k = 0; idx < DecodedPage.SLOTS; idx++) {
            if (member[idx]) {
                slots[k] = idx;
                code[k++] = page.decode(idx);
            }
        }
        return new Region(start, slots, code);
    }

    /** Number of instructions. */
    int size() { return slots.length; }

    /** Position of the instruction at slot {@code idx}, or -1 if it is not in the region. */
    int position(int idx) { return idx >= 0 && idx < DecodedPage.SLOTS ? position[idx] : -1; }

    /** Instructions of the basic block the region is entered at (the budget a block needs to be entered). */
    int entryLength() { return blockLength[position[start]]; }

    /**
     * True if the instruction after position {@code k} is entered only by falling through from
     * {@code k}, so it continues {@code k}'s basic block.
     */
    boolean continues(int k) { return k + 1 < slots.length && inBlock[k + 1] > 1; }

    private void cutBasicBlocks() {
        boolean[] leader = new boolean[slots.length];
        leader[position[start]] = true;
        for (int k = 0; k < slots.length; k++) {
            int op = (int) code[k] & 0xFF;
            int fall = next(slots[k], code[k]);
            if (op == JAL || isBranch(op)) mark(leader, branchTarget(slots[k], code[k]));
            if (op == JAL || op == JALR) continue;
            // A fall-through continues the basic block only into the next instruction emitted, after a non-branch.
            if (isBranch(op) || k + 1 >= slots.length || slots[k + 1] != fall) mark(leader, fall);
        }
        for (int k = 0; k < slots.length; k++) {
            if (k == 0 || leader[k]) {
                leader[k] = true;
                inBlock[k] = 1;
            } else {
                inBlock[k] = inBlock[k - 1] + 1;
            }
        }
        for (int k = slots.length - 1, length = 0; k >= 0; k--) {
            length++;
            if (leader[k]) {
                blockLength[k] = length;
                length = 0;
            }
        }
    }

    private void mark(boolean[] leader, int idx) {
        int k = position(idx);
        if (k >= 0) leader[k] = true;
    }

    private static boolean startsBlock(DecodedPage page, int idx) {
        Block block = page.blocks == null ? null : page.blocks[idx];
        return block != null && block != Block.NONE;
    }

    static boolean translatable(int op) {
        return (op >= LUI && op <= SRAW) || (op >= FIRST_RR && op <= LAST);
    }

    static boolean isBranch(int op) { return op >= BEQ && op <= BGEU; }

    /** Slot after the instruction {@code slot} at {@code idx}. */
    static int next(int idx, long slot) { return idx + (((int) slot & COMPRESSED) != 0 ? 1 : 2); }

    /** Slot a branch or JAL at {@code idx} jumps to, relative to its page (may lie outside it). */
    static int branchTarget(int idx, long slot) { return idx + (int) (slot >> 32) / 2; }

    private static boolean inPage(int idx) { return idx >= 0 && idx < DecodedPage.SLOTS; }
}
