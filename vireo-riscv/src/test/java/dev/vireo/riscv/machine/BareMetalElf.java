package dev.vireo.riscv.machine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Assembles an M-mode test program into an ELF linked at 0x8000_0000 (Debian's binutils-riscv64-linux-gnu). */
final class BareMetalElf {
    /** Macros the programs share: {@code putc reg} polls LSR.THRE then writes THR; {@code poweroff} hits sifive_test. */
    static final String PRELUDE = """
            .option norelax
            .equ UART, 0x10000000
            .equ CLINT, 0x2000000
            .equ PLIC, 0xc000000
            .equ TEST, 0x100000
            .macro putc reg
            99: li t6, UART
                lbu t5, 5(t6)
                andi t5, t5, 0x20
                beqz t5, 99b
                sb \\reg, 0(t6)
            .endm
            .macro poweroff
                li t6, TEST
                li t5, 0x5555
                sw t5, 0(t6)
            98: wfi
                j 98b
            .endm
            .text
            .globl _start
            _start:
            """;

    private BareMetalElf() {}

    static Path build(Path dir, String source) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/riscv64-linux-gnu-as")),
                "binutils-riscv64-linux-gnu is not installed (apt-get install binutils-riscv64-linux-gnu)");
        Path s = Files.writeString(dir.resolve("t.S"), PRELUDE + source + "\n");
        Path script = Files.writeString(dir.resolve("t.ld"),
                "ENTRY(_start)\nSECTIONS { . = 0x80000000; .text : { *(.text*) } .rodata : { *(.rodata*) } .data : { *(.data*) } }\n");
        Path o = dir.resolve("t.o"), elf = dir.resolve("t.elf");
        run(List.of("riscv64-linux-gnu-as", "-march=rv64imac_zicsr", "-mabi=lp64", "-o", o.toString(), s.toString()));
        run(List.of("riscv64-linux-gnu-ld", "-T", script.toString(), "-o", elf.toString(), o.toString()));
        return elf;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed:\n" + out);
        }
    }
}
