package dev.vireo.riscv.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * A random, valid, user-level RV64GC + Zba/Zbb/Zbs instruction sequence and the initial state it runs from,
 * both derived from one seed, for {@link DifferentialTest}.
 *
 * <p>Registers {@code sp} (x2) and {@code s0} (x8) are reserved: {@code sp} points at the
 * sequence's 256-byte scratch buffer and {@code s0} at its middle (so that the compressed
 * {@code c.lwsp}/{@code c.ld} forms have a base). Every memory access is aligned and inside that
 * buffer. Everything else (x1, x3..x31 except s0, f0..f31, frm, fflags, the scratch bytes) is
 * random. The code never depends on where it is loaded except through values (addresses from
 * {@code auipc}, {@code jal}, {@code la}) that are the same in both runs, because both runs use
 * one linked ELF.
 *
 * <p>Left out on purpose: misaligned accesses (QEMU user mode and bare-metal M-mode handle them
 * differently, both legally), stores between an LR and its SC (whether a same-hart store breaks
 * the reservation is implementation-defined; QEMU compares values, Vireo tracks the reservation),
 * {@code fsrm} with values 5..7 (dynamic rounding would then be reserved), and writes to sp/s0.
 */
record RandomSequence(long seed, String text, long[] x, long[] f, int frm, int fflags, byte[] scratch) {

    static final int SCRATCH = 256;
    /** Destination registers: all but zero, sp and s0. */
    private static final int[] DEST = {1, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
            25, 26, 27, 28, 29, 30, 31};
    /** Destinations encodable in compressed three-bit fields (x8..x15 without s0). */
    private static final int[] DEST_C = {9, 10, 11, 12, 13, 14, 15};
    private static final String[] ROUNDING = {"rne", "rtz", "rdn", "rup", "rmm", "dyn", ""};

    static RandomSequence generate(long seed) {
        return new Builder(seed).build();
    }

    private static final class Builder {
        final long seed;
        final RandomGenerator r;
        final StringBuilder out = new StringBuilder();
        final List<Integer> pendingLabels = new ArrayList<>();
        final List<Integer> pendingDistance = new ArrayList<>();
        int nextLabel = 1;

        Builder(long seed) {
            this.seed = seed;
            this.r = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
        }

        RandomSequence build() {
            long[] x = new long[32];
            for (int i : DEST) x[i] = intValue();
            long[] f = new long[32];
            for (int i = 0; i < 32; i++) f[i] = fpValue();
            int frm = r.nextInt(5);
            int fflags = r.nextInt(4) == 0 ? r.nextInt(32) : 0;
            byte[] scratch = new byte[SCRATCH];
            for (int i = 0; i < SCRATCH; i += 8) {
                long v = r.nextInt(3) == 0 ? fpValue() : intValue();
                for (int b = 0; b < 8; b++) scratch[i + b] = (byte) (v >>> (8 * b));
            }
            int length = 12 + r.nextInt(30);
            for (int i = 0; i < length; i++) {
                instruction();
                placeLabels();
            }
            for (int label : pendingLabels) out.append(label).append(":\n");
            return new RandomSequence(seed, out.toString(), x, f, frm, fflags, scratch);
        }

        // ---- values ----

        long intValue() {
            return switch (r.nextInt(12)) {
                case 0 -> 0;
                case 1 -> r.nextBoolean() ? 1 : -1;
                case 2 -> r.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE;
                case 3 -> r.nextBoolean() ? Integer.MIN_VALUE : Integer.MAX_VALUE;
                case 4 -> r.nextBoolean() ? 0xffff_ffffL : 0x8000_0000L;
                case 5 -> r.nextInt(-64, 64);
                case 6 -> r.nextInt();
                case 7 -> r.nextInt() & 0xffff_ffffL;
                case 8 -> 1L << r.nextInt(64);
                default -> r.nextLong();
            };
        }

        long fpValue() {
            return switch (r.nextInt(5)) {
                case 0, 1 -> 0xffff_ffff_0000_0000L | (single() & 0xffff_ffffL);
                case 2, 3 -> Double.doubleToRawLongBits(0) | doubleBits();
                default -> r.nextInt(4) == 0 ? (single() & 0xffff_ffffL) : r.nextLong(); // improperly NaN-boxed for S
            };
        }

        int single() {
            return switch (r.nextInt(16)) {
                case 0 -> r.nextBoolean() ? 0 : 0x8000_0000;
                case 1 -> r.nextBoolean() ? 0x7f80_0000 : 0xff80_0000;            // infinities
                case 2 -> 0x7fc0_0000 | (r.nextBoolean() ? 0 : r.nextInt(1 << 22)); // quiet NaN
                case 3 -> 0x7f80_0000 | (1 + r.nextInt((1 << 22) - 1)) | (r.nextBoolean() ? 0x8000_0000 : 0); // signalling
                case 4 -> r.nextInt(1, 1 << 23) | (r.nextBoolean() ? 0x8000_0000 : 0); // subnormal
                case 5 -> r.nextBoolean() ? 0x7f7f_ffff : 0x0080_0000;             // max, min normal
                case 6 -> Float.floatToRawIntBits((float) r.nextInt(-100, 100) / (1 << r.nextInt(3)));
                case 7 -> Float.floatToRawIntBits(switch (r.nextInt(6)) {           // conversion edges
                    case 0 -> 2147483648f;
                    case 1 -> -2147483648f;
                    case 2 -> 4294967296f;
                    case 3 -> 9.223372e18f;
                    case 4 -> 1.8446744e19f;
                    default -> -0.5f;
                });
                case 8, 9 -> { // exponent near the subnormal, one and overflow boundaries: rounding and UF/OF
                    int[] exponents = {0, 1, 2, 25, 126, 127, 128, 253, 254};
                    yield (r.nextBoolean() ? 0x8000_0000 : 0) | exponents[r.nextInt(exponents.length)] << 23
                            | switch (r.nextInt(3)) { // fraction: any, just above or just below a power of two
                                case 0 -> r.nextInt(1 << 23);
                                case 1 -> r.nextInt(4);
                                default -> (1 << 23) - 1 - r.nextInt(4);
                            };
                }
                default -> r.nextInt();
            };
        }

        long doubleBits() {
            return switch (r.nextInt(16)) {
                case 0 -> r.nextBoolean() ? 0 : Long.MIN_VALUE;
                case 1 -> r.nextBoolean() ? 0x7ff0_0000_0000_0000L : 0xfff0_0000_0000_0000L;
                case 2 -> 0x7ff8_0000_0000_0000L | (r.nextBoolean() ? 0 : r.nextLong(1L << 51));
                case 3 -> 0x7ff0_0000_0000_0000L | r.nextLong(1, 1L << 51) | (r.nextBoolean() ? Long.MIN_VALUE : 0);
                case 4 -> r.nextLong(1, 1L << 52) | (r.nextBoolean() ? Long.MIN_VALUE : 0);
                case 5 -> r.nextBoolean() ? 0x7fef_ffff_ffff_ffffL : 0x0010_0000_0000_0000L;
                case 6 -> Double.doubleToRawLongBits((double) r.nextInt(-100, 100) / (1 << r.nextInt(3)));
                case 7 -> Double.doubleToRawLongBits(switch (r.nextInt(7)) {
                    case 0 -> 2147483648.0;
                    case 1 -> -2147483649.0;
                    case 2 -> 4294967295.5;
                    case 3 -> 9.223372036854775807e18;
                    case 4 -> 1.8446744073709552e19;
                    case 5 -> 3.4028235677973366e38; // just above FLT_MAX
                    default -> 1.401298464324817e-45; // FLT_TRUE_MIN
                });
                case 8, 9 -> {
                    long[] exponents = {0, 1, 2, 54, 1022, 1023, 1024, 2045, 2046, 1023 - 149, 1023 + 128};
                    long fraction = switch (r.nextInt(3)) {
                        case 0 -> r.nextLong(1L << 52);
                        case 1 -> r.nextInt(4);
                        default -> (1L << 52) - 1 - r.nextInt(4);
                    };
                    yield (r.nextBoolean() ? Long.MIN_VALUE : 0) | exponents[r.nextInt(exponents.length)] << 52 | fraction;
                }
                default -> r.nextLong();
            };
        }

        // ---- registers and operands ----

        String xd() { return "x" + DEST[r.nextInt(DEST.length)]; }

        /** A source register: any, with extra weight on x0 so that divisors are sometimes zero. */
        String xs() { return "x" + (r.nextInt(10) == 0 ? 0 : r.nextInt(32)); }

        String cd() { return "x" + DEST_C[r.nextInt(DEST_C.length)]; }

        String cs() { return "x" + (8 + r.nextInt(8)); }

        String fr() { return "f" + r.nextInt(32); }

        String fc() { return "f" + (8 + r.nextInt(8)); }

        String rm() {
            String m = ROUNDING[r.nextInt(ROUNDING.length)];
            return m.isEmpty() ? "" : ", " + m;
        }

        int imm12() { return r.nextInt(4) == 0 ? r.nextInt(-2048, 2048) : r.nextInt(-16, 16); }

        /** A base-and-offset operand for a {@code size}-byte access inside the scratch buffer. */
        String mem(int size) {
            int offset = r.nextInt(SCRATCH / size) * size;
            return r.nextBoolean() ? offset + "(sp)" : (offset - SCRATCH / 2) + "(s0)";
        }

        void emit(String line) { out.append("  ").append(line).append('\n'); }

        /** Emits a forward branch whose target lands after 0..4 more instructions. */
        void branch(String insnPrefix) {
            int label = nextLabel++;
            emit(insnPrefix + label + "f");
            pendingLabels.add(label);
            pendingDistance.add(r.nextInt(5));
        }

        void placeLabels() {
            for (int i = pendingLabels.size() - 1; i >= 0; i--) {
                int d = pendingDistance.get(i);
                if (d == 0) {
                    out.append(pendingLabels.remove(i)).append(":\n");
                    pendingDistance.remove(i);
                } else {
                    pendingDistance.set(i, d - 1);
                }
            }
        }

        // ---- instructions ----

        void instruction() {
            switch (r.nextInt(22)) {
                case 20, 21 -> bitManipulation();
                case 0, 1, 2 -> integerRegister();
                case 3, 4 -> integerImmediate();
                case 5 -> loadStore();
                case 6 -> controlFlow();
                case 7, 8 -> multiplyDivide();
                case 9, 10 -> atomic();
                case 11, 12, 13 -> {
                    floatArithmetic();
                    observeFlags();
                }
                case 14, 15 -> {
                    floatConvertMove();
                    observeFlags();
                }
                case 16 -> floatMemoryAndCsr();
                default -> compressed();
            }
        }

        /** Often reads and clears fflags, so that each instruction's flags are seen, not just their union. */
        void observeFlags() {
            if (r.nextInt(3) != 0) emit("fsflags %s, x0".formatted(xd()));
        }

        void integerRegister() {
            String[] ops = {"add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and",
                    "addw", "subw", "sllw", "srlw", "sraw"};
            emit("%s %s, %s, %s".formatted(ops[r.nextInt(ops.length)], xd(), xs(), xs()));
        }

        void integerImmediate() {
            switch (r.nextInt(6)) {
                case 0, 1 -> {
                    String[] ops = {"addi", "slti", "sltiu", "xori", "ori", "andi", "addiw"};
                    emit("%s %s, %s, %d".formatted(ops[r.nextInt(ops.length)], xd(), xs(), imm12()));
                }
                case 2 -> {
                    String[] ops = {"slli", "srli", "srai"};
                    emit("%s %s, %s, %d".formatted(ops[r.nextInt(3)], xd(), xs(), r.nextInt(64)));
                }
                case 3 -> {
                    String[] ops = {"slliw", "srliw", "sraiw"};
                    emit("%s %s, %s, %d".formatted(ops[r.nextInt(3)], xd(), xs(), r.nextInt(32)));
                }
                case 4 -> emit("lui %s, 0x%x".formatted(xd(), r.nextInt(1 << 20)));
                default -> emit("auipc %s, 0x%x".formatted(xd(), r.nextInt(1 << 20)));
            }
        }

        void bitManipulation() {
            switch (r.nextInt(4)) {
                case 0 -> {
                    String[] ops = {"sh1add", "sh2add", "sh3add", "add.uw", "sh1add.uw", "sh2add.uw", "sh3add.uw",
                            "andn", "orn", "xnor", "max", "maxu", "min", "minu", "rol", "rolw", "ror", "rorw",
                            "bclr", "bext", "binv", "bset"};
                    emit("%s %s, %s, %s".formatted(ops[r.nextInt(ops.length)], xd(), xs(), xs()));
                }
                case 1 -> {
                    String[] ops = {"clz", "clzw", "ctz", "ctzw", "cpop", "cpopw", "sext.b", "sext.h", "zext.h",
                            "orc.b", "rev8"};
                    String op = ops[r.nextInt(ops.length)], rd = xd();
                    if (op.equals("ctzw")) {
                        // QEMU 7.2 (Debian 12) counts past bit 31 when rs1[31:0] is zero (ctzw of
                        // 1 << 42 gives 42, the spec says 32); so give ctzw a non-zero low word.
                        emit("bseti %s, %s, %d".formatted(rd, xs(), r.nextInt(32)));
                        emit("ctzw %s, %s".formatted(rd, rd));
                    } else {
                        emit("%s %s, %s".formatted(op, rd, xs()));
                    }
                }
                case 2 -> {
                    String[] ops = {"slli.uw", "rori", "bclri", "bexti", "binvi", "bseti"};
                    emit("%s %s, %s, %d".formatted(ops[r.nextInt(ops.length)], xd(), xs(), r.nextInt(64)));
                }
                default -> emit("roriw %s, %s, %d".formatted(xd(), xs(), r.nextInt(32)));
            }
        }

        void loadStore() {
            String[] loads = {"lb", "lbu", "lh", "lhu", "lw", "lwu", "ld"};
            String[] stores = {"sb", "sh", "sw", "sd"};
            if (r.nextBoolean()) {
                int k = r.nextInt(loads.length);
                emit("%s %s, %s".formatted(loads[k], xd(), mem(1 << (k / 2))));
            } else {
                int k = r.nextInt(stores.length);
                emit("%s %s, %s".formatted(stores[k], xs(), mem(1 << k)));
            }
        }

        void controlFlow() {
            switch (r.nextInt(4)) {
                case 0, 1 -> {
                    String[] ops = {"beq", "bne", "blt", "bge", "bltu", "bgeu"};
                    branch("%s %s, %s, ".formatted(ops[r.nextInt(ops.length)], xs(), xs()));
                }
                case 2 -> branch("jal %s, ".formatted(r.nextBoolean() ? "x0" : xd()));
                default -> {
                    String target = xd();
                    int label = nextLabel++;
                    emit("la %s, %df".formatted(target, label));
                    emit("jalr %s, 0(%s)".formatted(r.nextBoolean() ? "x0" : xd(), target));
                    pendingLabels.add(label);
                    pendingDistance.add(r.nextInt(3));
                }
            }
        }

        void multiplyDivide() {
            String[] ops = {"mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu",
                    "mulw", "divw", "divuw", "remw", "remuw"};
            String op = ops[r.nextInt(ops.length)];
            if (op.contains("div") || op.contains("rem")) {
                switch (r.nextInt(4)) {
                    case 0 -> { // signed overflow: MIN / -1
                        String a = xd(), b = xd();
                        emit("li %s, %s".formatted(a, op.endsWith("w") ? "-0x80000000" : "0x8000000000000000"));
                        emit("li %s, -1".formatted(b));
                        emit("%s %s, %s, %s".formatted(op, xd(), a, b));
                        return;
                    }
                    case 1 -> {
                        emit("%s %s, %s, x0".formatted(op, xd(), xs()));
                        return;
                    }
                    default -> { }
                }
            }
            emit("%s %s, %s, %s".formatted(op, xd(), xs(), xs()));
        }

        void atomic() {
            boolean doubleWord = r.nextBoolean();
            int size = doubleWord ? 8 : 4;
            String sfx = (doubleWord ? ".d" : ".w") + new String[]{"", ".aq", ".rl", ".aqrl"}[r.nextInt(4)];
            String address = xd();
            emit("addi %s, sp, %d".formatted(address, r.nextInt(SCRATCH / size) * size));
            switch (r.nextInt(4)) {
                case 0 -> { // LR/SC pair with only register arithmetic in between: the SC succeeds
                    String loaded;
                    do { loaded = xd(); } while (loaded.equals(address));
                    emit("lr%s %s, (%s)".formatted(sfx, loaded, address));
                    for (int i = r.nextInt(3); i > 0; i--) {
                        String d;
                        do { d = xd(); } while (d.equals(address));
                        emit("add %s, %s, %s".formatted(d, xs(), xs()));
                    }
                    emit("sc%s %s, %s, (%s)".formatted(sfx, xd(), xs(), address));
                }
                case 1 -> emit("sc%s %s, %s, (%s)".formatted(sfx, xd(), xs(), address)); // no reservation: fails
                default -> {
                    String[] ops = {"amoswap", "amoadd", "amoxor", "amoand", "amoor", "amomin", "amomax", "amominu", "amomaxu"};
                    emit("%s%s %s, %s, (%s)".formatted(ops[r.nextInt(ops.length)], sfx, xd(), xs(), address));
                }
            }
        }

        void floatArithmetic() {
            String fmt = r.nextBoolean() ? ".s" : ".d";
            switch (r.nextInt(8)) {
                case 0, 1 -> {
                    String[] ops = {"fadd", "fsub", "fmul", "fdiv"};
                    emit("%s%s %s, %s, %s%s".formatted(ops[r.nextInt(4)], fmt, fr(), fr(), fr(), rm()));
                }
                case 2 -> emit("fsqrt%s %s, %s%s".formatted(fmt, fr(), fr(), rm()));
                case 3 -> {
                    String[] ops = {"fmadd", "fmsub", "fnmsub", "fnmadd"};
                    emit("%s%s %s, %s, %s, %s%s".formatted(ops[r.nextInt(4)], fmt, fr(), fr(), fr(), fr(), rm()));
                }
                case 4 -> {
                    String[] ops = {"fmin", "fmax", "fsgnj", "fsgnjn", "fsgnjx"};
                    emit("%s%s %s, %s, %s".formatted(ops[r.nextInt(ops.length)], fmt, fr(), fr(), fr()));
                }
                case 5 -> {
                    String[] ops = {"feq", "flt", "fle"};
                    emit("%s%s %s, %s, %s".formatted(ops[r.nextInt(3)], fmt, xd(), fr(), fr()));
                }
                case 6 -> emit("fclass%s %s, %s".formatted(fmt, xd(), fr()));
                default -> emit(r.nextBoolean() ? "fcvt.s.d %s, %s%s".formatted(fr(), fr(), rm())
                        : "fcvt.d.s %s, %s".formatted(fr(), fr()));
            }
        }

        void floatConvertMove() {
            String fmt = r.nextBoolean() ? "s" : "d";
            String[] ints = {"w", "wu", "l", "lu"};
            String type = ints[r.nextInt(4)];
            switch (r.nextInt(4)) {
                case 0, 1 -> emit("fcvt.%s.%s %s, %s%s".formatted(type, fmt, xd(), fr(), rm()));
                case 2 -> {
                    boolean exact = fmt.equals("d") && type.startsWith("w");
                    emit("fcvt.%s.%s %s, %s%s".formatted(fmt, type, fr(), xs(), exact ? "" : rm()));
                }
                default -> {
                    String w = fmt.equals("s") ? "w" : "d";
                    emit(r.nextBoolean() ? "fmv.x.%s %s, %s".formatted(w, xd(), fr())
                            : "fmv.%s.x %s, %s".formatted(w, fr(), xs()));
                }
            }
        }

        void floatMemoryAndCsr() {
            switch (r.nextInt(8)) {
                case 0 -> emit("flw %s, %s".formatted(fr(), mem(4)));
                case 1 -> emit("fld %s, %s".formatted(fr(), mem(8)));
                case 2 -> emit("fsw %s, %s".formatted(fr(), mem(4)));
                case 3 -> emit("fsd %s, %s".formatted(fr(), mem(8)));
                case 4 -> emit("fsrmi %s, %d".formatted(xd(), r.nextInt(5)));
                case 5 -> emit("fsflagsi %s, %d".formatted(xd(), r.nextInt(32)));
                case 6 -> emit("frflags %s".formatted(xd()));
                default -> emit(r.nextBoolean() ? "frcsr %s".formatted(xd()) : "frrm %s".formatted(xd()));
            }
        }

        void compressed() {
            switch (r.nextInt(20)) {
                case 0 -> emit("c.addi4spn %s, sp, %d".formatted(cd(), 4 * r.nextInt(1, 256)));
                case 1 -> emit("c.lwsp %s, %d(sp)".formatted(xd(), 4 * r.nextInt(SCRATCH / 4)));
                case 2 -> emit("c.ldsp %s, %d(sp)".formatted(xd(), 8 * r.nextInt(SCRATCH / 8)));
                case 3 -> emit("c.fldsp %s, %d(sp)".formatted(fr(), 8 * r.nextInt(SCRATCH / 8)));
                case 4 -> emit(new String[]{"c.swsp %s, %d(sp)", "c.sdsp %s, %d(sp)"}[r.nextInt(2)]
                        .formatted(xs(), 8 * r.nextInt(SCRATCH / 8)));
                case 5 -> emit("c.fsdsp %s, %d(sp)".formatted(fr(), 8 * r.nextInt(SCRATCH / 8)));
                case 6 -> emit(new String[]{"c.lw %s, %d(s0)", "c.ld %s, %d(s0)"}[r.nextInt(2)]
                        .formatted(cd(), 8 * r.nextInt(16)));
                case 7 -> emit(new String[]{"c.sw %s, %d(s0)", "c.sd %s, %d(s0)"}[r.nextInt(2)]
                        .formatted(cs(), 8 * r.nextInt(16)));
                case 8 -> emit(new String[]{"c.fld %s, %d(s0)", "c.fsd %s, %d(s0)"}[r.nextInt(2)]
                        .formatted(fc(), 8 * r.nextInt(16)));
                case 9 -> emit("c.li %s, %d".formatted(xd(), r.nextInt(-32, 32)));
                case 10 -> emit("c.lui %s, 0x%x".formatted(xd(), r.nextBoolean() ? r.nextInt(1, 32) : 0xfffe0 + r.nextInt(32)));
                case 11 -> emit(new String[]{"c.addi %s, %d", "c.addiw %s, %d"}[r.nextInt(2)]
                        .formatted(xd(), r.nextBoolean() ? r.nextInt(1, 32) : r.nextInt(-32, 0)));
                case 12 -> emit("c.slli %s, %d".formatted(xd(), r.nextInt(1, 64)));
                case 13 -> emit("%s %s, %d".formatted(r.nextBoolean() ? "c.srli" : "c.srai", cd(), r.nextInt(1, 64)));
                case 14 -> emit("c.andi %s, %d".formatted(cd(), r.nextInt(-32, 32)));
                case 15 -> emit("%s %s, x%d".formatted(r.nextBoolean() ? "c.mv" : "c.add", xd(), r.nextInt(1, 32)));
                case 16 -> {
                    String[] ops = {"c.sub", "c.xor", "c.or", "c.and", "c.subw", "c.addw"};
                    emit("%s %s, %s".formatted(ops[r.nextInt(ops.length)], cd(), cs()));
                }
                case 17 -> branch(switch (r.nextInt(3)) {
                    case 0 -> "c.j ";
                    case 1 -> "c.beqz %s, ".formatted(cs());
                    default -> "c.bnez %s, ".formatted(cs());
                });
                case 18 -> {
                    String target = xd();
                    int label = nextLabel++;
                    emit("la %s, %df".formatted(target, label));
                    emit("%s %s".formatted(r.nextBoolean() ? "c.jr" : "c.jalr", target));
                    pendingLabels.add(label);
                    pendingDistance.add(r.nextInt(3));
                }
                default -> emit("c.nop");
            }
        }
    }
}
