package dev.vireo.riscv.cpu;

import java.util.List;

/** ABI register names for tests. */
final class Registers {
    private static final List<String> NAMES = List.of("zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1",
            "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11",
            "t3", "t4", "t5", "t6");

    private Registers() {}

    static int number(String name) {
        int i = NAMES.indexOf(name);
        if (i < 0) throw new IllegalArgumentException("no register " + name);
        return i;
    }
}
