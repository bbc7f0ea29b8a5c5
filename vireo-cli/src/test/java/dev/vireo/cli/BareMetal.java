package dev.vireo.cli;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Assembles and links bare-metal RV64 programs with Debian's binutils-riscv64-linux-gnu. */
final class BareMetal {
    private BareMetal() {}

    /** Links {@code source} at 0x8000_0000 with entry {@code _start}; skips the test without the toolchain. */
    static Path build(Path dir, String name, String source) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/riscv64-linux-gnu-as")),
                "riscv64-linux-gnu-as not installed (apt-get install binutils-riscv64-linux-gnu)");
        Path asm = Files.writeString(dir.resolve(name + ".S"), source);
        Path object = dir.resolve(name + ".o");
        Path elf = dir.resolve(name + ".elf");
        // A script rather than -Ttext: the default one would also load the ELF headers a
        // page below 0x8000_0000, outside RAM.
        Path script = Files.writeString(dir.resolve(name + ".ld"), """
                ENTRY(_start)
                SECTIONS {
                  . = 0x80000000;
                  .text : { *(.text*) }
                  .rodata : { *(.rodata*) }
                  .data : { *(.data*) }
                  .bss : { *(.bss*) }
                }
                """);
        run(List.of("riscv64-linux-gnu-as", "-march=rv64imac_zicsr", "-mabi=lp64", "-o", object.toString(), asm.toString()));
        run(List.of("riscv64-linux-gnu-ld", "-T", script.toString(), "-o", elf.toString(), object.toString()));
        return elf;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed:\n" + output);
        }
    }

    /**
     * Hart 0 prints {@code message}, then "a0 ok" if a0 held its hart id and "fdt ok" if a1
     * pointed at a device tree (magic 0xd00dfeed, big-endian), then writes {@code syscon} to
     * the sifive_test device. Other harts wait in WFI.
     */
    static String uartProgram(String message, int syscon) {
        return """
                .equ UART, 0x10000000
                .equ TEST, 0x100000
                .section .text
                .globl _start
                _start:
                    csrr  t0, mhartid
                    bnez  t0, park
                    mv    s0, a0
                    mv    s1, a1
                    la    a0, message
                    call  puts
                    bnez  s0, 1f
                    la    a0, a0ok
                    call  puts
                1:  lwu   t0, 0(s1)
                    li    t1, 0xedfe0dd0
                    bne   t0, t1, 2f
                    la    a0, fdtok
                    call  puts
                2:  li    t0, TEST
                    li    t1, %d
                    sw    t1, 0(t0)
                park:
                    wfi
                    j     park

                # puts(a0): polls LSR.THRE (bit 5) before each byte, as a driver must.
                puts:
                    li    t0, UART
                3:  lbu   t1, 0(a0)
                    beqz  t1, 5f
                4:  lbu   t2, 5(t0)
                    andi  t2, t2, 0x20
                    beqz  t2, 4b
                    sb    t1, 0(t0)
                    addi  a0, a0, 1
                    j     3b
                5:  ret

                .section .rodata
                message: .asciz "%s\\n"
                a0ok:    .asciz "a0 ok\\n"
                fdtok:   .asciz "fdt ok\\n"
                """.formatted(syscon, message);
    }
}
