package dev.vireo.riscv.cpu;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.vireo.riscv.cpu.Op.*;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_void;

/**
 * Translates hot straight-line guest code to JVM bytecode ({@code java.lang.classfile}), one
 * hidden class per {@link Block}, so that HotSpot compiles guest code like Java code.
 *
 * <p>Guest registers live in JVM locals inside a block: loaded from {@code x[]} on entry,
 * written back at every exit. Memory accesses call the {@link Mmu} fast paths the interpreter
 * uses; each has its own exception-table entry, so a guest trap leaves with the registers, pc
 * and instruction count of exactly that instruction (precise traps). After each store the block
 * checks whether its page was dropped (self-modifying code) and leaves at the next instruction.
 * The interpreter keeps everything else (system and CSR operations, LR/SC and AMOs, FP), so
 * privilege, translation context and counters cannot change inside a block.
 *
 * <p>Configured by system properties: {@code vireo.riscv.jit} (default true) and
 * {@code vireo.riscv.jit.threshold}, the number of times an instruction must start a dispatch
 * before a block is translated from it (default {@value #DEFAULT_THRESHOLD}), and
 * {@code vireo.riscv.jit.hot}, the number of instructions executed through a block after which a block is translated again for
 * HotSpot to compile with the memory accessors inlined (default {@value #DEFAULT_HOT_THRESHOLD}):
 * inlined they make the fastest code but cost C2 most of a second per block, which only pays
 * for the hottest few; and {@code vireo.riscv.jit.background} (default true): translate on a
 * shared background thread, so that the hart keeps interpreting instead of waiting for the
 * translation (see {@link #request}). One translator per hart; its hart calls {@link #request}.
 */
final class Translator {
    static final int MAX_LENGTH = 64;
    static final int DEFAULT_THRESHOLD = 15_000;
    static final int DEFAULT_HOT_THRESHOLD = 20_000_000;
    static final int DEFAULT_CHECK_THRESHOLD = 1_000;

    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();
    private static final ClassDesc CD_BLOCK = desc(Block.class), CD_MMU = desc(Mmu.class),
            CD_PAGE = desc(DecodedPage.class), CD_TRAP = desc(Trap.class), CD_ALU = desc(Alu.class),
            CD_VAR_HANDLE = desc(java.lang.invoke.VarHandle.class);
    /** Class names of blocks: HotSpot compiles these with the Mmu accessors called, not inlined ({@link CompilerDirectives}). */
    private static final ClassDesc CD_NAME = ClassDesc.of("dev.vireo.riscv.cpu.TranslatedBlock");
    /** Class names of blocks translated again once very hot: compiled with everything inlined. */
    private static final ClassDesc CD_HOT_NAME = ClassDesc.of("dev.vireo.riscv.cpu.HotBlock");
    private static final MethodTypeDesc RUN = MethodTypeDesc.of(CD_long, CD_long, CD_long.arrayType(), CD_MMU, CD_int);
    private static final MethodTypeDesc INIT = MethodTypeDesc.of(CD_void, CD_PAGE, CD_int);
    private static final MethodTypeDesc LJJ = MethodTypeDesc.of(CD_long, CD_long), JJJ = MethodTypeDesc.of(CD_long, CD_long, CD_long);
    private static final MethodTypeDesc VJJ = MethodTypeDesc.of(CD_void, CD_long, CD_long);
    private static final MethodTypeDesc ALU = MethodTypeDesc.of(CD_long, CD_int, CD_long, CD_long);
    private static final MethodTypeDesc COMPARE = MethodTypeDesc.of(CD_int, CD_long, CD_long);
    private static final ClassFile CLASS_FILE = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
            ClassHierarchyResolver.defaultResolver().orElse(ClassHierarchyResolver.ofClassLoading(LOOKUP))));

    // Local variable slots of run(): this, pc (long), x, mmu, budget, then our own.
    private static final int PC = 1, X = 3, MMU = 4, BUDGET = 5, BASE = 6, COUNT = 7, TARGET = 8, TRAP = 10, REGS = 11;

    final int threshold;
    /** Instructions executed through a block after which it is translated again as a {@code HotBlock}. */
    final int hotThreshold;
    /** Translate on the shared background thread ({@link #request}) rather than on the hart's. */
    final boolean background;
    /** Reuse the classes other harts made and sum the heat of all harts ({@link BlockTable}). */
    final boolean shared;
    /**
     * Dispatches of a slot after which the hart looks in the {@link BlockTable} for its block and
     * adds its heat to the sum there ({@link #warm}); the threshold itself when not shared.
     */
    final int checkThreshold;
    /**
     * Counters for {@code -Dvireo.riscv.trace=stats}, written by the thread that translates (the
     * background thread, or the hart's); read without synchronization for the statistics only.
     */
    long blocks, hotBlocks, instructions, rejected, nanos, buildNanos, defineNanos, reusedInTranslator;
    /** Blocks the hart took from the {@link BlockTable} itself, without a request (hart's thread). */
    long reused;
    /** Requests queued for the background thread and not yet installed. */
    private final AtomicInteger pending = new AtomicInteger();

    Translator(int threshold, int hotThreshold, boolean background, boolean shared, int checkThreshold) {
        CompilerDirectives.installOnce();
        this.threshold = Math.max(1, threshold);
        this.hotThreshold = Math.max(1, hotThreshold);
        this.background = background;
        this.shared = shared;
        this.checkThreshold = shared ? Math.clamp(checkThreshold, 1, this.threshold) : this.threshold;
    }

    Translator(int threshold, int hotThreshold, boolean background) {
        this(threshold, hotThreshold, background, true, DEFAULT_CHECK_THRESHOLD);
    }

    Translator(int threshold, int hotThreshold) { this(threshold, hotThreshold, false); }

    Translator(int threshold) { this(threshold, DEFAULT_HOT_THRESHOLD); }

    /** The translator the system properties ask for, or null when translation is off. */
    static Translator fromSystemProperties() {
        if (!Boolean.parseBoolean(System.getProperty("vireo.riscv.jit", "true"))) return null;
        return new Translator(Integer.getInteger("vireo.riscv.jit.threshold", DEFAULT_THRESHOLD),
                Integer.getInteger("vireo.riscv.jit.hot", DEFAULT_HOT_THRESHOLD),
                Boolean.parseBoolean(System.getProperty("vireo.riscv.jit.background", "true")),
                Boolean.parseBoolean(System.getProperty("vireo.riscv.jit.shared", "true")),
                Integer.getInteger("vireo.riscv.jit.check", DEFAULT_CHECK_THRESHOLD));
    }

    /**
     * Called by the hart when slot {@code idx} of {@code page} has started {@link #checkThreshold}
     * dispatches since the last call: installs the block at once if another hart already made its
     * class for the same bytes; otherwise adds the slot's heat to the sum in {@code table} and asks
     * for the block once the sum reaches {@link #threshold}. Without sharing (or without a table)
     * it simply asks for the block.
     */
    void warm(BlockTable table, DecodedPage page, int idx) {
        if (!shared || table == null) {
            page.heat[idx] = Integer.MIN_VALUE; // asked once: a background translation may take a while
            request(table, page, idx, false);
            return;
        }
        Block block = table.lookup(page, idx, false);
        if (block != null) {
            reused++;
            page.blocks[idx] = block;
            return;
        }
        if (table.warm(page, idx, page.heat[idx], threshold) >= threshold) {
            page.heat[idx] = Integer.MIN_VALUE;
            request(table, page, idx, false);
        } else {
            page.heat[idx] = 0;
        }
    }

    /**
     * Asks for a block from slot {@code start} of {@code page} (a {@code hot} one: see
     * {@link #translate(DecodedPage, int, boolean)}), installed in {@code page.blocks[start]}: at
     * once on the calling hart's thread, or later by the background thread, while the hart goes on
     * interpreting. Either way the block is exact; only when it starts to run differs. Called by
     * the hart that owns the page, after {@link DecodedPage#blocks()}.
     */
    void request(BlockTable table, DecodedPage page, int start, boolean hot) {
        if (!shared) table = null;
        if (table != null) {
            Block block = table.lookup(page, start, hot);
            if (block != null) {
                reused++;
                page.blocks[start] = block;
                return;
            }
        }
        if (!background) {
            page.blocks[start] = translate(table, page, start, hot);
            return;
        }
        cool(table, page, start);
        pending.incrementAndGet();
        BlockTable shared = table;
        Background.THREAD.execute(() -> {
            try {
                // A dropped page is never run again: nothing to install.
                if (!page.dropped) BLOCK_ARRAY.setRelease(page.blocks, start, translate(shared, page, start, hot));
            } finally {
                pending.decrementAndGet();
            }
        });
    }

    /**
     * Restarts the heat count of the slots after {@code start} that its block will probably cover
     * (the straight run of decoded, translatable instructions up to the first jump).
     * While the hart waits for the block it interprets them, and without this each would soon
     * ask for an overlapping block of its own. A slot that really is entered on its own (a jump
     * into the run) warms up again and gets its block later.
     */
    private static void cool(BlockTable table, DecodedPage page, int start) {
        int idx = start, end = Math.min(DecodedPage.SLOTS, start + 2 * MAX_LENGTH);
        while (true) {
            long slot = page.slots[idx];
            if (slot == 0 || !translatable((int) slot & 0xFF) || endsBlock((int) slot & 0xFF)) break;
            idx += ((int) slot & COMPRESSED) != 0 ? 1 : 2;
            if (idx >= end) break;
            if (page.heat[idx] > 0) page.heat[idx] = 0; // a slot already asked for stays asked for
            if (table != null) table.cool(page, idx);
        }
    }

    /** Waits until every request of this translator is installed (for tests). */
    void awaitIdle() throws InterruptedException {
        while (pending.get() > 0) Thread.sleep(1);
    }

    /**
     * Elements of {@link DecodedPage#blocks}: the background thread installs a block with a
     * release store and the hart reads with an acquire load, so a hart that sees a block sees it
     * whole (plain loads on x86-64).
     */
    static final VarHandle BLOCK_ARRAY = MethodHandles.arrayElementVarHandle(Block[].class);

    /**
     * The background translator: one daemon thread shared by the harts of every machine in the
     * process (translation is short and rare next to execution; a thread per hart would idle).
     * It reads a page's snapshot, never its decoded slots, so it races with nothing the hart
     * writes; a block is installed with a release store and seen by the hart at a later dispatch.
     */
    private static final class Background {
        static final ExecutorService THREAD = Executors.newSingleThreadExecutor(
                runnable -> Thread.ofPlatform().daemon().name("vireo-translator").unstarted(runnable));
    }

    String statistics() {
        return String.format("translated %d blocks (%d again as hot; %d instructions, %d slots refused) in %.1f ms (bytecode %.1f ms, class definition %.1f ms); %d blocks reused from the shared table (%d by the hart, %d on request)",
                blocks, hotBlocks, instructions, rejected, nanos / 1e6, buildNanos / 1e6, defineNanos / 1e6,
                reused + reusedInTranslator, reused, reusedInTranslator);
    }

    /** A block starting at slot {@code start} of {@code page}, or {@link Block#NONE} if none can start there. */
    Block translate(DecodedPage page, int start) { return translate(null, page, start, false); }

    /** Same; a {@code hot} block is compiled by HotSpot with the Mmu accessors inlined. */
    Block translate(DecodedPage page, int start, boolean hot) { return translate(null, page, start, hot); }

    /**
     * Same, through {@code table} (if not null): the class another hart made from the same bytes
     * is instantiated instead of translating again, and a new class is published there.
     */
    Block translate(BlockTable table, DecodedPage page, int start, boolean hot) {
        if (table != null) {
            Block block = table.lookup(page, start, hot);
            if (block != null) {
                reusedInTranslator++;
                return block;
            }
        }
        long t0 = System.nanoTime();
        List<Long> code = new ArrayList<>();
        List<Integer> offsets = new ArrayList<>();
        int idx = start;
        while (code.size() < MAX_LENGTH && idx < DecodedPage.SLOTS) {
            long slot = page.decodeUncached(idx);
            if (slot == 0 || !translatable((int) slot & 0xFF)) break;
            code.add(slot);
            offsets.add((idx - start) * 2);
            idx += ((int) slot & COMPRESSED) != 0 ? 1 : 2;
            if (endsBlock((int) slot & 0xFF)) break;
        }
        int end = (idx - start) * 2;
        if (code.isEmpty()) {
            rejected++;
            // The first instruction decides that no block starts here: share that too.
            if (table != null) table.put(page, start, new BlockTable.Translation(
                    guestBytes(page, start, Math.min(4, 4096 - start * 2)), 0, hot, null));
            return Block.NONE;
        }
        byte[] bytes = CLASS_FILE.build(hot ? CD_HOT_NAME : CD_NAME, cb -> cb
                .withFlags(ClassFile.ACC_FINAL | ClassFile.ACC_SYNTHETIC)
                .withSuperclass(CD_BLOCK)
                .withMethodBody(ConstantDescs.INIT_NAME, INIT, 0, b -> b
                        .aload(0).aload(1).iload(2).invokespecial(CD_BLOCK, ConstantDescs.INIT_NAME, INIT).return_())
                .withMethodBody("run", RUN, 0, b -> new Emitter(b, code, offsets, end).emit()));
        long t1 = System.nanoTime();
        try {
            MethodHandles.Lookup hidden = LOOKUP.defineHiddenClass(bytes, true);
            long t2 = System.nanoTime();
            buildNanos += t1 - t0;
            defineNanos += t2 - t1;
            MethodHandle init = hidden.findConstructor(hidden.lookupClass(),
                    MethodType.methodType(void.class, DecodedPage.class, int.class))
                    .asType(MethodType.methodType(Block.class, DecodedPage.class, int.class));
            Block block = (Block) init.invokeExact(page, code.size());
            block.hot = hot;
            if (table != null) table.put(page, start, new BlockTable.Translation(guestBytes(page, start, end), code.size(), hot, init));
            blocks++;
            if (hot) hotBlocks++;
            instructions += code.size();
            nanos += System.nanoTime() - t0;
            return block;
        } catch (Throwable e) {
            throw new IllegalStateException("translating a block failed", e);
        }
    }

    /** A copy of {@code size} bytes of {@code page}'s snapshot from slot {@code start}. */
    private static MemorySegment guestBytes(DecodedPage page, int start, int size) {
        MemorySegment bytes = MemorySegment.ofArray(new byte[size]);
        MemorySegment.copy(page.snapshot, start * 2L, bytes, 0, size);
        return bytes;
    }

    private static boolean translatable(int op) {
        return (op >= LUI && op <= SRAW) || (op >= FIRST_RR && op <= LAST) || op == FENCE;
    }

    /**
     * Jumps end a block; conditional branches do not: a block runs on along the not-taken path
     * and leaves (or loops, back to its start) where a branch is taken, so that a function's
     * straight line of code with its early-out tests is one dispatch instead of one per branch.
     */
    private static boolean endsBlock(int op) {
        return op == JAL || op == JALR;
    }

    private static ClassDesc desc(Class<?> c) { return ClassDesc.of(c.getName()); }

    private static int local(int reg) { return REGS + 2 * (reg - 1); }

    /** Emits the body of run() for one block. */
    private static final class Emitter {
        private final CodeBuilder b;
        private final List<Long> code;
        private final List<Integer> offsets;
        private final int end;
        private final boolean[] used = new boolean[33], written = new boolean[33];
        private final Label top, exit, trapExit;
        private final List<Runnable> handlers = new ArrayList<>();

        Emitter(CodeBuilder b, List<Long> code, List<Integer> offsets, int end) {
            this.b = b;
            this.code = code;
            this.offsets = offsets;
            this.end = end;
            this.top = b.newLabel();
            this.exit = b.newLabel();
            this.trapExit = b.newLabel();
        }

        void emit() {
            for (long slot : code) scan((int) slot);
            b.iconst_0().istore(BASE);
            for (int r = 1; r < 32; r++) {
                if (used[r]) b.aload(X).loadConstant(r).laload().lstore(local(r));
            }
            b.labelBinding(top);
            boolean ended = false;
            for (int k = 0; k < code.size(); k++) {
                ended = instruction(k, code.get(k), k == code.size() - 1);
            }
            if (!ended) {
                exitTo(code.size(), end);
            }
            b.labelBinding(exit);
            writeBack();
            b.aload(0).iload(COUNT).putfield(CD_BLOCK, "count", CD_int);
            b.lload(TARGET).lreturn();
            handlers.forEach(Runnable::run);
            b.labelBinding(trapExit);
            writeBack();
            b.aload(0).iload(COUNT).putfield(CD_BLOCK, "count", CD_int);
            b.aload(0).lload(TARGET).putfield(CD_BLOCK, "faultPc", CD_long);
            b.aload(TRAP).athrow();
        }

        private void scan(int w) {
            int op = w & 0xFF, rd = (w >>> RD_SHIFT) & 63, rs1 = (w >>> RS1_SHIFT) & 31, rs2 = (w >>> RS2_SHIFT) & 31;
            boolean writesRd = !(op >= BEQ && op <= BGEU) && !(op >= SB && op <= SD);
            if (writesRd && rd != SINK) {
                used[rd] = true;
                written[rd] = true;
            }
            used[rs1] = true;
            used[rs2] = true;
            used[0] = false;
        }

        private void writeBack() {
            for (int r = 1; r < 32; r++) {
                if (written[r]) b.aload(X).loadConstant(r).lload(local(r)).lastore();
            }
        }

        private void read(int r) {
            if (r == 0) b.lconst_0();
            else b.lload(local(r));
        }

        private void write(int rd) {
            if (rd == SINK) b.pop2();
            else b.lstore(local(rd));
        }

        /** COUNT = BASE + n; TARGET = pc + offset; goto exit. */
        private void exitTo(int n, long offset) {
            setCount(n);
            setTarget(offset);
            b.goto_(exit);
        }

        private void setCount(int n) { b.iload(BASE).loadConstant(n).iadd().istore(COUNT); }

        private void setTarget(long offset) { b.lload(PC).loadConstant(offset).ladd().lstore(TARGET); }

        /**
         * A jump or taken branch (instruction {@code k}) to {@code offset}: loops if it is the
         * block's start and a further pass, at most the whole block, fits the budget.
         */
        private void jump(int k, long offset) {
            if (offset == 0) {
                b.iload(BASE).loadConstant(k + 1).iadd().istore(BASE);
                b.iload(BASE).loadConstant(code.size()).iadd().iload(BUDGET).if_icmple(top);
                exitTo(0, 0);
            } else {
                exitTo(k + 1, offset);
            }
        }

        /** Emits instruction {@code k}; returns true if it ends the block (all its paths exit). */
        private boolean instruction(int k, long slot, boolean last) {
            int w = (int) slot, im = (int) (slot >> 32);
            int op = w & 0xFF, rd = (w >>> RD_SHIFT) & 63, rs1 = (w >>> RS1_SHIFT) & 31, rs2 = (w >>> RS2_SHIFT) & 31;
            long off = offsets.get(k), next = off + ((w & COMPRESSED) != 0 ? 2 : 4);
            switch (op) {
                case LUI -> { b.loadConstant((long) im); write(rd); }
                case AUIPC -> { b.lload(PC).loadConstant(off + im).ladd(); write(rd); }
                case JAL -> {
                    b.lload(PC).loadConstant(next).ladd();
                    write(rd);
                    jump(k, off + im);
                    return true;
                }
                case JALR -> {
                    read(rs1);
                    b.loadConstant((long) im).ladd().loadConstant(~1L).land().lstore(TARGET);
                    b.lload(PC).loadConstant(next).ladd();
                    write(rd);
                    setCount(k + 1);
                    b.goto_(exit);
                    return true;
                }
                case BEQ, BNE, BLT, BGE, BLTU, BGEU -> {
                    Label taken = b.newLabel();
                    read(rs1);
                    read(rs2);
                    if (op == BLTU || op == BGEU) b.invokestatic(ConstantDescs.CD_Long, "compareUnsigned", COMPARE);
                    else b.lcmp();
                    switch (op) {
                        case BEQ -> b.ifeq(taken);
                        case BNE -> b.ifne(taken);
                        case BLT, BLTU -> b.iflt(taken);
                        default -> b.ifge(taken);
                    }
                    // Not taken: on to the next instruction, or out of the block after the last.
                    Label notTaken = b.newLabel();
                    if (last) exitTo(k + 1, next);
                    else b.goto_(notTaken);
                    b.labelBinding(taken);
                    jump(k, off + im);
                    if (last) return true;
                    b.labelBinding(notTaken);
                }
                case LB, LH, LW, LD, LBU, LHU, LWU -> {
                    String name = switch (op) {
                        case LB, LBU -> "lb";
                        case LH, LHU -> "lh";
                        case LW, LWU -> "lw";
                        default -> "ld";
                    };
                    guarded(k, off, () -> {
                        b.aload(MMU);
                        address(rs1, im);
                        b.invokevirtual(CD_MMU, name, LJJ);
                    });
                    switch (op) {
                        case LBU -> b.loadConstant(0xFFL).land();
                        case LHU -> b.loadConstant(0xFFFFL).land();
                        case LWU -> b.loadConstant(0xFFFFFFFFL).land();
                        default -> { }
                    }
                    write(rd);
                }
                case SB, SH, SW, SD -> {
                    String name = switch (op) {
                        case SB -> "sb";
                        case SH -> "sh";
                        case SW -> "sw";
                        default -> "sd";
                    };
                    guarded(k, off, () -> {
                        b.aload(MMU);
                        address(rs1, im);
                        read(rs2);
                        b.invokevirtual(CD_MMU, name, VJJ);
                    });
                    if (!last) {
                        // A store into this page drops it (and this block): leave before the next instruction.
                        Label intact = b.newLabel();
                        b.aload(0).getfield(CD_BLOCK, "page", CD_PAGE).getfield(CD_PAGE, "dropped", ConstantDescs.CD_boolean);
                        b.ifeq(intact);
                        exitTo(k + 1, next);
                        b.labelBinding(intact);
                    }
                }
                // FENCE of any kind as fence rw,rw: VarHandle.fullFence orders the host accesses
                // of all the Mmu paths (and keeps HotSpot from moving them across it).
                case FENCE -> b.invokestatic(CD_VAR_HANDLE, "fullFence", MethodTypeDesc.of(ConstantDescs.CD_void));
                case ADDI -> { read(rs1); b.loadConstant((long) im).ladd(); write(rd); }
                case SLTI -> { read(rs1); b.loadConstant((long) im).invokestatic(CD_BLOCK, "slt", JJJ); write(rd); }
                case SLTIU -> { read(rs1); b.loadConstant((long) im).invokestatic(CD_BLOCK, "sltu", JJJ); write(rd); }
                case XORI -> { read(rs1); b.loadConstant((long) im).lxor(); write(rd); }
                case ORI -> { read(rs1); b.loadConstant((long) im).lor(); write(rd); }
                case ANDI -> { read(rs1); b.loadConstant((long) im).land(); write(rd); }
                case SLLI -> { read(rs1); b.loadConstant(im).lshl(); write(rd); }
                case SRLI -> { read(rs1); b.loadConstant(im).lushr(); write(rd); }
                case SRAI -> { read(rs1); b.loadConstant(im).lshr(); write(rd); }
                case ADD -> { read(rs1); read(rs2); b.ladd(); write(rd); }
                case SUB -> { read(rs1); read(rs2); b.lsub(); write(rd); }
                case SLL -> { read(rs1); read(rs2); b.l2i().lshl(); write(rd); }
                case SLT -> { read(rs1); read(rs2); b.invokestatic(CD_BLOCK, "slt", JJJ); write(rd); }
                case SLTU -> { read(rs1); read(rs2); b.invokestatic(CD_BLOCK, "sltu", JJJ); write(rd); }
                case XOR -> { read(rs1); read(rs2); b.lxor(); write(rd); }
                case SRL -> { read(rs1); read(rs2); b.l2i().lushr(); write(rd); }
                case SRA -> { read(rs1); read(rs2); b.l2i().lshr(); write(rd); }
                case OR -> { read(rs1); read(rs2); b.lor(); write(rd); }
                case AND -> { read(rs1); read(rs2); b.land(); write(rd); }
                case ADDIW -> { read(rs1); b.loadConstant((long) im).ladd().l2i().i2l(); write(rd); }
                case SLLIW -> { read(rs1); b.l2i().loadConstant(im).ishl().i2l(); write(rd); }
                case SRLIW -> { read(rs1); b.l2i().loadConstant(im).iushr().i2l(); write(rd); }
                case SRAIW -> { read(rs1); b.l2i().loadConstant(im).ishr().i2l(); write(rd); }
                case ADDW -> { read(rs1); read(rs2); b.ladd().l2i().i2l(); write(rd); }
                case SUBW -> { read(rs1); read(rs2); b.lsub().l2i().i2l(); write(rd); }
                case SLLW -> { read(rs1); b.l2i(); read(rs2); b.l2i().ishl().i2l(); write(rd); }
                case SRLW -> { read(rs1); b.l2i(); read(rs2); b.l2i().iushr().i2l(); write(rd); }
                case SRAW -> { read(rs1); b.l2i(); read(rs2); b.l2i().ishr().i2l(); write(rd); }
                case MUL -> { read(rs1); read(rs2); b.lmul(); write(rd); }
                case MULW -> { read(rs1); b.l2i(); read(rs2); b.l2i().imul().i2l(); write(rd); }
                default -> {
                    // The other pure operations (M division, Zba, Zbb, Zbs, Zicond) through the interpreter's Alu.
                    b.loadConstant(op);
                    read(rs1);
                    if (op >= FIRST_RI) b.loadConstant((long) im);
                    else read(rs2);
                    b.invokestatic(CD_ALU, "compute", ALU);
                    write(rd);
                }
            }
            return false;
        }

        private void address(int rs1, int im) {
            read(rs1);
            if (im != 0) b.loadConstant((long) im).ladd();
        }

        /** Emits {@code access} under its own trap handler for instruction {@code k} at {@code offset}. */
        private void guarded(int k, long offset, Runnable access) {
            Label start = b.newBoundLabel();
            access.run();
            Label stop = b.newBoundLabel();
            Label handler = b.newLabel();
            b.exceptionCatch(start, stop, handler, CD_TRAP);
            handlers.add(() -> {
                b.labelBinding(handler);
                b.astore(TRAP);
                setCount(k + 1);
                setTarget(offset);
                b.goto_(trapExit);
            });
        }
    }
}
