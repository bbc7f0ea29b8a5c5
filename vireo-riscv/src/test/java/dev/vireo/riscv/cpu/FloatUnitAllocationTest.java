package dev.vireo.riscv.cpu;

import static dev.vireo.riscv.cpu.FpuHarness.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The interpreter calls {@link FloatUnit#execute} per instruction, so ordinary operands must not
 * allocate (STYLE.md habit 8). Only results at the subnormal/overflow edges of double
 * precision take the BigInteger path.
 */
class FloatUnitAllocationTest {
    @Test
    void ordinaryOperandsAllocateNothingInAnyRoundingMode() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        FpuState fs = new FpuState();
        long[] x = new long[32];
        int[] program = new int[5 * 16];
        int n = 0;
        for (int rm = 0; rm <= 4; rm++) {
            for (int fmt = S; fmt <= D; fmt++) {
                program[n++] = opFp(FADD, fmt, rm, 10, 1, 2);
                program[n++] = opFp(FSUB, fmt, rm, 11, 1, 2);
                program[n++] = opFp(FMUL, fmt, rm, 12, 1, 2);
                program[n++] = opFp(FDIV, fmt, rm, 13, 1, 2);
                program[n++] = opFp(FSQRT, fmt, rm, 14, 1, 0);
                program[n++] = r4(FMADD, fmt, rm, 15, 1, 2, 3);
                program[n++] = opFp(FCVT_INT, fmt, rm, 10, 1, 2);
                program[n++] = opFp(FCVT_FROM_INT, fmt, rm, 16, 5, 2);
            }
        }
        long[] doubles = {bits(1.1), bits(-3.7), bits(1e10), boxBits(Float.floatToRawIntBits(1.1f)),
            boxBits(Float.floatToRawIntBits(-3.7f)), boxBits(Float.floatToRawIntBits(2.5e6f))};
        x[5] = 0x123456789abcdefL;
        // Warm up, then measure.
        for (int round = 0; round < 2; round++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 20_000; i++) {
                int set = (i & 1) * 3;
                fs.f[1] = doubles[set];
                fs.f[2] = doubles[set + 1];
                fs.f[3] = doubles[set + 2];
                for (int insn : program) {
                    FloatUnit.execute(insn, fs, x);
                }
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            if (round == 1) {
                assertThat(allocated).as("bytes allocated by %d instructions", 20_000 * program.length)
                        .isLessThan(4096);
            }
        }
    }
}
