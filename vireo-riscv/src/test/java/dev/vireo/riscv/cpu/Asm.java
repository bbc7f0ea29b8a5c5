package dev.vireo.riscv.cpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Assembles test programs with Debian's {@code binutils-riscv64-linux-gnu}
 * ({@code riscv64-linux-gnu-as}, {@code -ld}, {@code -objcopy}) into a flat binary linked at
 * {@link #BASE}. Tests that need it are skipped with a message when the tools are missing.
 */
final class Asm {
    static final long BASE = 0x8000_0000L;
    static final String PREFIX = "riscv64-linux-gnu-";
    /** Address of the test device: any store there stops the hart. */
    static final long HALT_DEVICE = 0x0010_0000L;

    static final String PRELUDE = """
            .option norelax
            .macro halt
              li t6, 0x100000
              sw zero, 0(t6)
            1: j 1b
            .endm
            .text
            .globl _start
            _start:
            """;

    private Asm() {}

    static boolean available() {
        return Files.isExecutable(Path.of("/usr/bin/" + PREFIX + "as"));
    }

    static byte[] assemble(String source) {
        return assemble(source, "rv64gc_zba_zbb_zbs");
    }

    static byte[] assemble(String source, String march) {
        assumeTrue(available(), "binutils-riscv64-linux-gnu is not installed (apt-get install binutils-riscv64-linux-gnu)");
        try {
            Path dir = Files.createTempDirectory("vireo-asm");
            try {
                Path s = dir.resolve("t.s"), o = dir.resolve("t.o"), elf = dir.resolve("t.elf"), bin = dir.resolve("t.bin");
                Files.writeString(s, PRELUDE + source + "\n");
                run(dir, PREFIX + "as", "-march=" + march, "-mabi=lp64d", "-o", o.toString(), s.toString());
                run(dir, PREFIX + "ld", "-Ttext=0x" + Long.toHexString(BASE), "-o", elf.toString(), o.toString());
                run(dir, PREFIX + "objcopy", "-O", "binary", elf.toString(), bin.toString());
                return Files.readAllBytes(bin);
            } finally {
                try (var files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private static void run(Path dir, String... command) throws IOException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalArgumentException(String.join(" ", command) + " failed:\n" + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
