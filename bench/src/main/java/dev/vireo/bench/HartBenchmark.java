package dev.vireo.bench;

import dev.vireo.machine.bus.MmioBus;
import dev.vireo.machine.memory.GuestMemory;
import dev.vireo.riscv.MachineClock;
import dev.vireo.riscv.cpu.Hart;
import dev.vireo.riscv.cpu.Reservations;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Speed of the RV64 hart on a compute loop, interpreted and with hot blocks translated to JVM
 * bytecode ({@code jit}): the score is millions of guest instructions per second (ops/us = MIPS).
 *
 * <p>The loop (machine code below, M-mode, bare translation) mixes ALU, shifts, a multiply,
 * a load and a store through the TLB fast path, a compressed instruction and a taken branch:
 * <pre>
 *   loop: add  a0, a0, a1      xor  a2, a0, a1     slli a3, a2, 3     srli a4, a3, 5
 *         mul  a5, a4, a1      sd   a5, 0(s0)      ld   a6, 0(s0)     addw a7, a6, a0
 *         c.addi a1, -1        and  t0, a7, a2     or   t1, t0, a3    bne  a1, zero, loop
 *         c.j  loop-over (reloads a1)
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class HartBenchmark {
    static final int INSTRUCTIONS = 1_000_000;
    static final long BASE = 0x8000_0000L;

    /** Translation of hot blocks to JVM bytecode on or off ({@code vireo.riscv.jit}), compared in one run. */
    @Param({"true", "false"})
    public boolean jit;

    private GuestMemory ram;
    private Hart hart;

    @Setup(Level.Trial)
    public void setUp() {
        System.setProperty("vireo.riscv.jit", Boolean.toString(jit));
        ram = GuestMemory.allocate(BASE, 16L << 20);
        int[] program = {
                u(0x17, 9, 0x100) /* auipc s1, 0x100 */, i(0x13, 8, 0, 0, 0x400) /* addi s0, zero, 1024 */,
                r(0x33, 8, 0, 8, 9, 0) /* add s0, s0, s1 */,
                u(0x37, 11, 0x10) /* outer: lui a1, 0x10 */,
                r(0x33, 10, 0, 10, 11, 0) /* loop: add a0, a0, a1 */, r(0x33, 12, 4, 10, 11, 0) /* xor a2, a0, a1 */,
                i(0x13, 13, 1, 12, 3) /* slli a3, a2, 3 */, i(0x13, 14, 5, 13, 5) /* srli a4, a3, 5 */,
                r(0x33, 15, 0, 14, 11, 1) /* mul a5, a4, a1 */, s(0x23, 3, 8, 15, 0) /* sd a5, 0(s0) */,
                i(0x03, 16, 3, 8, 0) /* ld a6, 0(s0) */, r(0x3B, 17, 0, 16, 10, 0) /* addw a7, a6, a0 */,
        };
        short[] code = new short[64];
        int n = 0;
        for (int k = 0; k < 12; k++) { code[n++] = (short) program[k]; code[n++] = (short) (program[k] >>> 16); }
        code[n++] = (short) 0x15FD;                                              // c.addi a1, -1
        int and = r(0x33, 5, 7, 17, 12, 0), or = r(0x33, 6, 6, 5, 13, 0);
        code[n++] = (short) and; code[n++] = (short) (and >>> 16);
        code[n++] = (short) or; code[n++] = (short) (or >>> 16);
        int loopAt = 4 * 4, here = n * 2;
        int bne = b(1, 11, 0, loopAt - here);                                    // bne a1, zero, loop
        code[n++] = (short) bne; code[n++] = (short) (bne >>> 16);
        int outerAt = 3 * 4;
        here = n * 2;
        int jal = j(0, outerAt - here);                                          // j outer
        code[n++] = (short) jal; code[n++] = (short) (jal >>> 16);
        for (int k = 0; k < n; k++) ram.writeShort(BASE + 2L * k, code[k]);
        MmioBus bus = new MmioBus();
        hart = new Hart(0, ram, bus, new MachineClock(), new Reservations(1));
        hart.reset(BASE, 0, 0, 0);
    }

    @TearDown(Level.Iteration)
    public void iterationDone() {
        // The machine is shared: wall-clock throughput understates the interpreter when other
        // processes hold the cores, so report guest instructions per CPU-second of this thread too.
        System.out.printf(" [%d instructions in %.3f s of thread CPU time: %.1f MIPS per CPU-second] ",
                executed, cpuNanos / 1e9, executed * 1e3 / cpuNanos);
        executed = 0;
        cpuNanos = 0;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ram.close();
    }

    private final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    private long cpuNanos, executed;

    @Benchmark
    @OperationsPerInvocation(INSTRUCTIONS)
    public long computeLoop() {
        long start = threads.getCurrentThreadCpuTime();
        long n = hart.execute(INSTRUCTIONS);
        cpuNanos += threads.getCurrentThreadCpuTime() - start;
        executed += n;
        return n;
    }

    static int r(int opcode, int rd, int f3, int rs1, int rs2, int f7) {
        return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opcode;
    }

    static int i(int opcode, int rd, int f3, int rs1, int imm) {
        return (imm & 0xFFF) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opcode;
    }

    static int s(int opcode, int f3, int rs1, int rs2, int imm) {
        return ((imm >> 5) & 0x7F) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (imm & 31) << 7 | opcode;
    }

    static int u(int opcode, int rd, int imm20) {
        return imm20 << 12 | rd << 7 | opcode;
    }

    static int b(int f3, int rs1, int rs2, int off) {
        return ((off >> 12) & 1) << 31 | ((off >> 5) & 0x3F) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12
                | ((off >> 1) & 0xF) << 8 | ((off >> 11) & 1) << 7 | 0x63;
    }

    static int j(int rd, int off) {
        return ((off >> 20) & 1) << 31 | ((off >> 1) & 0x3FF) << 21 | ((off >> 11) & 1) << 20
                | ((off >> 12) & 0xFF) << 12 | rd << 7 | 0x6F;
    }
}
