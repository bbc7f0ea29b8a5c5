package dev.vireo.riscv.cpu;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a batch of {@link RandomSequence}s once under {@code qemu-riscv64} (Linux user mode) and
 * once on a Vireo {@link Hart} (bare-metal M-mode), from one statically linked ELF, and returns
 * both result areas.
 *
 * <p>Program layout. Text at {@link #TEXT}: {@code _start} (the Linux entry) and
 * {@code bare_start} ({@code _start + 4}, where the hart starts) each jump to their own set-up,
 * which marks the environment in {@code env_flag} and then runs every sequence in turn; the
 * common finish either writes the blocks to stdout and exits (Linux) or stores to the halt
 * device (bare metal). A trap on the hart records mcause/mepc/mtval and halts. Because both runs
 * use the same ELF, every address a sequence can observe is the same in both.
 *
 * <p>Data at {@link #DATA}, one {@link #BLOCK}-byte block per sequence at {@link #BLOCKS}:
 * <pre>
 *    0  scratch buffer (256 bytes, random; sp points here, s0 = sp + 128)
 *  256  initial f0..f31
 *  512  initial x0..x31 (x0, x2, x8 unused)
 *  768  final x0..x31 (x0 stays zero)
 * 1024  final f0..f31
 * 1280  final fcsr
 * </pre>
 */
final class DifferentialHarness {
    static final long TEXT = Asm.BASE;
    static final long DATA = TEXT + 0x10_0000;
    static final long TRAP_RECORD = DATA + 16;
    static final long BLOCKS = DATA + 64;
    static final int BLOCK = 1296;
    static final int FP_INIT = 256, X_INIT = 512, X_FINAL = 768, F_FINAL = 1024, FCSR_FINAL = 1280;
    private static final String TOOLS = "/usr/bin/riscv64-linux-gnu-";

    /** The results of one batch: the blocks as written by QEMU and as left in the hart's RAM. */
    record Results(ByteBuffer qemu, ByteBuffer vireo, String vireoTrap) {}

    private DifferentialHarness() {}

    static boolean toolchainAvailable() {
        return Files.isExecutable(Path.of(TOOLS + "as")) && Files.isExecutable(Path.of(TOOLS + "ld"))
                && Files.isExecutable(Path.of(TOOLS + "objcopy"));
    }

    static boolean qemuAvailable() {
        return Files.isExecutable(Path.of("/usr/bin/qemu-riscv64"));
    }

    static Results run(List<RandomSequence> sequences) throws IOException {
        Path dir = Files.createTempDirectory("vireo-difftest");
        try {
            Path source = dir.resolve("t.s"), object = dir.resolve("t.o"), elf = dir.resolve("t.elf"),
                    flat = dir.resolve("t.bin"), out = dir.resolve("qemu.out"), err = dir.resolve("qemu.err");
            Files.writeString(source, program(sequences));
            String keep = System.getProperty("vireo.difftest.keep");
            if (keep != null) Files.copy(source, Path.of(keep), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            exec(dir, null, TOOLS + "as", "-march=rv64gc_zba_zbb_zbs", "-mabi=lp64d", "-o", object.toString(), source.toString());
            exec(dir, null, TOOLS + "ld", "-static", "-e", "_start", "-Ttext=0x" + Long.toHexString(TEXT),
                    "-Tdata=0x" + Long.toHexString(DATA), "-o", elf.toString(), object.toString());
            exec(dir, null, TOOLS + "objcopy", "-O", "binary", elf.toString(), flat.toString());
            int size = sequences.size() * BLOCK;
            ProcessBuilder qemu = new ProcessBuilder("qemu-riscv64", elf.toString())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            exec(dir, qemu);
            byte[] reference = Files.readAllBytes(out);
            if (reference.length != size) {
                throw new AssertionError("qemu-riscv64 wrote " + reference.length + " bytes, expected " + size
                        + "; stderr: " + Files.readString(err));
            }
            try (TestMachine machine = new TestMachine()) {
                machine.ram.write(TEXT, Files.readAllBytes(flat));
                Hart hart = machine.hart();
                hart.reset(TEXT + 4, 0, 0, 0);
                hart.execute(50_000_000L);
                String trap = null;
                if (machine.readLong(TRAP_RECORD + 24) != 0) {
                    trap = "trap mcause=%d mepc=0x%x mtval=0x%x".formatted(machine.readLong(TRAP_RECORD),
                            machine.readLong(TRAP_RECORD + 8), machine.readLong(TRAP_RECORD + 16));
                }
                byte[] blocks = new byte[size];
                machine.ram.read(BLOCKS, blocks, 0, size);
                return new Results(ByteBuffer.wrap(reference).order(ByteOrder.LITTLE_ENDIAN),
                        ByteBuffer.wrap(blocks).order(ByteOrder.LITTLE_ENDIAN), trap);
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The assembly source for a batch; {@code -Dvireo.difftest.keep=FILE} saves it for objdump. */
    static String program(List<RandomSequence> sequences) {
        StringBuilder s = new StringBuilder("""
                .option norelax
                .text
                .globl _start
                _start:
                .option push
                .option norvc
                  j linux_setup
                bare_start:
                  j bare_setup
                .option pop
                """);
        for (int i = 0; i < sequences.size(); i++) sequence(s, i, sequences.get(i));
        s.append("""
                  j finish
                linux_setup:
                  la t0, env_flag
                  sd zero, 0(t0)
                  j seq_0
                bare_setup:
                  la t0, bare_trap
                  csrw mtvec, t0
                  li t0, 0x2000
                  csrs mstatus, t0
                  la t0, env_flag
                  li t1, 1
                  sd t1, 0(t0)
                  j seq_0
                finish:
                  la t0, env_flag
                  ld t0, 0(t0)
                  bnez t0, bare_finish
                  li a0, 1
                  la a1, blocks
                  li a2, %d
                  li a7, 64
                  ecall
                  li a0, 0
                  li a7, 93
                  ecall
                bare_finish:
                  li t6, 0x%x
                  sw zero, 0(t6)
                1: j 1b
                .align 2
                bare_trap:
                  la t0, trap_record
                  csrr t1, mcause
                  sd t1, 0(t0)
                  csrr t1, mepc
                  sd t1, 8(t0)
                  csrr t1, mtval
                  sd t1, 16(t0)
                  li t1, 1
                  sd t1, 24(t0)
                  j bare_finish
                .data
                env_flag: .dword 0, 0
                trap_record: .dword 0, 0, 0, 0, 0, 0
                blocks:
                """.formatted(sequences.size() * BLOCK, Asm.HALT_DEVICE));
        for (RandomSequence q : sequences) data(s, q);
        return s.toString();
    }

    private static void sequence(StringBuilder s, int index, RandomSequence q) {
        s.append("seq_").append(index).append(":  # seed ").append(q.seed()).append('\n');
        s.append("  la sp, blocks + ").append((long) index * BLOCK).append('\n');
        // Drop any reservation left by the previous sequence (this SC fails in both).
        s.append("  addi t0, sp, ").append(FCSR_FINAL).append("\n  sc.d t0, zero, (t0)\n");
        s.append("  fsrmi ").append(q.frm()).append("\n  fsflagsi ").append(q.fflags()).append('\n');
        for (int i = 0; i < 32; i++) s.append("  fld f").append(i).append(", ").append(FP_INIT + 8 * i).append("(sp)\n");
        for (int i = 1; i < 32; i++) {
            if (i != 2 && i != 8) s.append("  ld x").append(i).append(", ").append(X_INIT + 8 * i).append("(sp)\n");
        }
        s.append("  addi s0, sp, 128\n");
        s.append(q.text());
        for (int i = 1; i < 32; i++) s.append("  sd x").append(i).append(", ").append(X_FINAL + 8 * i).append("(sp)\n");
        for (int i = 0; i < 32; i++) s.append("  fsd f").append(i).append(", ").append(F_FINAL + 8 * i).append("(sp)\n");
        s.append("  frcsr t0\n  sd t0, ").append(FCSR_FINAL).append("(sp)\n");
    }

    private static void data(StringBuilder s, RandomSequence q) {
        ByteBuffer scratch = ByteBuffer.wrap(q.scratch()).order(ByteOrder.LITTLE_ENDIAN);
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < RandomSequence.SCRATCH / 8; i++) dword(line, scratch.getLong(8 * i));
        for (long v : q.f()) dword(line, v);
        for (long v : q.x()) dword(line, v);
        for (int i = 0; i < (BLOCK - X_FINAL) / 8; i++) dword(line, 0);
        s.append(line);
    }

    private static void dword(StringBuilder s, long v) {
        s.append("  .dword 0x").append(Long.toHexString(v)).append('\n');
    }

    private static void exec(Path dir, ProcessBuilder builder, String... command) throws IOException {
        ProcessBuilder pb = builder != null ? builder : new ProcessBuilder(command).redirectErrorStream(true);
        pb.directory(dir.toFile());
        Process p = pb.start();
        try {
            String output = builder != null ? "" : new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", pb.command()) + " timed out");
            }
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", pb.command()) + " exited with " + p.exitValue() + "\n" + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static void exec(Path dir, ProcessBuilder builder) throws IOException {
        exec(dir, builder, new String[0]);
    }
}
