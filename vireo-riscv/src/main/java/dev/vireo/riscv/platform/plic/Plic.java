package dev.vireo.riscv.platform.plic;

import dev.vireo.machine.bus.MmioDevice;
import dev.vireo.machine.irq.InterruptLine;

import java.util.List;

/**
 * The RISC-V Platform-Level Interrupt Controller (RISC-V PLIC specification 1.0.0), laid out
 * as SiFive's and QEMU's: sources 1..{@link #SOURCES}-1 (0 means "none"), one context per
 * hart privilege (QEMU virt: hart h M-mode = 2h, S-mode = 2h+1).
 *
 * <pre>
 * 0x000000 + 4*s          priority of source s (0 = never interrupts)
 * 0x001000 + 4*(s/32)     pending bits (read-only)
 * 0x002000 + 0x80*c       enable bits of context c, 32 sources per word
 * 0x200000 + 0x1000*c     priority threshold of context c
 * 0x200004 + 0x1000*c     claim (read) / complete (write) of context c
 * </pre>
 *
 * Gateways are level-triggered: a source whose line is high becomes pending unless it is
 * claimed and not yet completed; on completion a still-high line is pending again.
 *
 * <p>Threads: source lines are set by devices on any thread, registers are accessed on vCPU
 * threads; all state is guarded by this object's monitor, and context outputs are driven
 * under it (lock order: device, then PLIC, then hart).
 */
public final class Plic implements MmioDevice {
    /** Number of source ids including the reserved 0 (QEMU virt: riscv,ndev = 95 → 96 ids). */
    public static final int SOURCES = 96;
    /** Size of the register window (room for QEMU's maximum of 512 harts × 2 contexts). */
    public static final long WINDOW_SIZE = 0x600000;
    static final int MAX_PRIORITY = 7;

    static final long PRIORITY_BASE = 0x0, PENDING_BASE = 0x1000, ENABLE_BASE = 0x2000, ENABLE_STRIDE = 0x80;
    static final long CONTEXT_BASE = 0x200000, CONTEXT_STRIDE = 0x1000;
    private static final int WORDS = SOURCES / 32;

    private final InterruptLine[] outputs;
    private final boolean[] outputLevels;
    private final int[] priority = new int[SOURCES];
    private final boolean[] level = new boolean[SOURCES];
    private final boolean[] pending = new boolean[SOURCES];
    private final boolean[] claimed = new boolean[SOURCES];
    private final int[][] enable;
    private final int[] threshold;

    /** @param contextOutputs the interrupt output of each context, in context order */
    public Plic(List<InterruptLine> contextOutputs) {
        this.outputs = contextOutputs.toArray(InterruptLine[]::new);
        this.outputLevels = new boolean[outputs.length];
        this.enable = new int[outputs.length][WORDS];
        this.threshold = new int[outputs.length];
    }

    public int contexts() { return outputs.length; }

    /** The input wire of source {@code id} (1..SOURCES-1), for a device's interrupt. */
    public InterruptLine source(int id) {
        if (id <= 0 || id >= SOURCES) throw new IllegalArgumentException("PLIC source " + id + " out of 1.." + (SOURCES - 1));
        return high -> setLevel(id, high);
    }

    private synchronized void setLevel(int id, boolean high) {
        level[id] = high;
        if (high && !claimed[id]) pending[id] = true;
        // A level-triggered gateway forgets a request whose line dropped before the claim.
        if (!high && !claimed[id]) pending[id] = false;
        updateOutputs();
    }

    @Override
    public synchronized long read(long offset, int size) {
        if (size != 4) return 0;
        if (offset < PENDING_BASE) {
            int s = (int) (offset >> 2);
            return s < SOURCES ? priority[s] : 0;
        }
        if (offset < ENABLE_BASE) {
            int word = (int) ((offset - PENDING_BASE) >> 2);
            return word < WORDS ? pendingWord(word) & 0xFFFFFFFFL : 0;
        }
        if (offset < CONTEXT_BASE) {
            int context = (int) ((offset - ENABLE_BASE) / ENABLE_STRIDE);
            int word = (int) ((offset - ENABLE_BASE) % ENABLE_STRIDE) >> 2;
            return context < outputs.length && word < WORDS ? enable[context][word] & 0xFFFFFFFFL : 0;
        }
        int context = (int) ((offset - CONTEXT_BASE) / CONTEXT_STRIDE);
        if (context >= outputs.length) return 0;
        return switch ((int) ((offset - CONTEXT_BASE) % CONTEXT_STRIDE)) {
            case 0 -> threshold[context];
            case 4 -> claim(context);
            default -> 0;
        };
    }

    @Override
    public synchronized void write(long offset, int size, long value) {
        if (size != 4) return;
        int v = (int) value;
        if (offset < PENDING_BASE) {
            int s = (int) (offset >> 2);
            if (s > 0 && s < SOURCES) priority[s] = v & MAX_PRIORITY;
        } else if (offset < ENABLE_BASE) {
            return; // pending bits are read-only
        } else if (offset < CONTEXT_BASE) {
            int context = (int) ((offset - ENABLE_BASE) / ENABLE_STRIDE);
            int word = (int) ((offset - ENABLE_BASE) % ENABLE_STRIDE) >> 2;
            if (context < outputs.length && word < WORDS) enable[context][word] = word == 0 ? v & ~1 : v;
        } else {
            int context = (int) ((offset - CONTEXT_BASE) / CONTEXT_STRIDE);
            if (context >= outputs.length) return;
            switch ((int) ((offset - CONTEXT_BASE) % CONTEXT_STRIDE)) {
                case 0 -> threshold[context] = v & MAX_PRIORITY;
                case 4 -> complete(context, v);
                default -> { }
            }
        }
        updateOutputs();
    }

    private int claim(int context) {
        int best = best(context);
        if (best != 0) {
            pending[best] = false;
            claimed[best] = true;
            updateOutputs();
        }
        return best;
    }

    private void complete(int context, int id) {
        // The spec ignores a completion for a source not enabled for this context.
        if (id <= 0 || id >= SOURCES || !enabled(context, id) || !claimed[id]) return;
        claimed[id] = false;
        if (level[id]) pending[id] = true;
    }

    /** The pending, enabled source with the highest priority above threshold (lowest id on ties), or 0. */
    private int best(int context) {
        int best = 0, bestPriority = threshold[context];
        for (int s = 1; s < SOURCES; s++) {
            if (pending[s] && priority[s] > bestPriority && enabled(context, s)) {
                best = s;
                bestPriority = priority[s];
            }
        }
        return best;
    }

    private boolean enabled(int context, int source) {
        return (enable[context][source >> 5] >>> (source & 31) & 1) != 0;
    }

    private int pendingWord(int word) {
        int bits = 0;
        for (int i = 0; i < 32; i++) if (pending[word * 32 + i]) bits |= 1 << i;
        return bits;
    }

    private void updateOutputs() {
        for (int c = 0; c < outputs.length; c++) {
            boolean high = best(c) != 0;
            if (high != outputLevels[c]) {
                outputLevels[c] = high;
                outputs[c].set(high);
            }
        }
    }
}
