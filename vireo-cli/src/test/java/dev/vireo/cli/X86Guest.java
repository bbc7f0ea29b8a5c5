package dev.vireo.cli;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Small x86-64 guests for {@code vireo run --accel kvm}: bare-metal ELF64 files assembled with
 * the host's GNU binutils and linked at 1 MiB (docs/kvm-entry.md: entered at CPL0 in 64-bit
 * mode, low memory identity-mapped), plus fake kernel headers for tests that never boot.
 */
final class X86Guest {
    /** Port writes at CPL0 (a handful of instructions, so fast even where CPL0 is emulated). */
    static final String PRINT_THEN = """
                .code64
                .global _start
            _start:
                mov  $0x3f8, %dx
                mov  $'h', %al
                out  %al, %dx
                mov  $'i', %al
                out  %al, %dx
            """;
    /** Ends the VM by the i8042 reset line (0xFE to port 0x64), which Vireo treats as the end. */
    static final String RESET = "    mov $0xfe, %al\n    out %al, $0x64\n1:  hlt\n    jmp 1b\n";
    /** Ends the VM by ACPI S5 on the sleep control port 0x3C0 (SLP_EN | SLP_TYP 5). */
    static final String POWER_OFF = "    mov $0x3c0, %dx\n    mov $0x34, %al\n    out %al, %dx\n1:  hlt\n    jmp 1b\n";

    private X86Guest() {}

    /** Assembles and links {@code source}; skips the test without binutils or a usable /dev/kvm. */
    static Path build(Path dir, String name, String source) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/dev/kvm")) && Files.isWritable(Path.of("/dev/kvm")),
                "skipped: /dev/kvm is not usable here");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/as")) && Files.isExecutable(Path.of("/usr/bin/ld")),
                "skipped: GNU binutils (as, ld) not installed");
        Path asm = Files.writeString(dir.resolve(name + ".S"), source);
        Path object = dir.resolve(name + ".o"), elf = dir.resolve(name + ".elf");
        Path script = Files.writeString(dir.resolve(name + ".ld"), """
                ENTRY(_start)
                SECTIONS {
                  . = 0x100000;
                  .text : { *(.text*) }
                  /DISCARD/ : { *(.note*) *(.comment) }
                }
                """);
        run(List.of("as", "--64", "-o", object.toString(), asm.toString()));
        run(List.of("ld", "-m", "elf_x86_64", "-nostdlib", "-static", "--build-id=none", "-z", "noexecstack",
                "-T", script.toString(), "-o", elf.toString(), object.toString()));
        return elf;
    }

    /** A file with just an ELF64 header for {@code machine} (62 x86-64, 243 RISC-V): probed, never booted. */
    static Path fakeElfHeader(Path dir, String name, int machine) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 0x464C457F).put(4, (byte) 2).put(5, (byte) 1).putShort(16, (short) 2).putShort(18, (short) machine);
        return Files.write(dir.resolve(name), b.array());
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed:\n" + output);
        }
    }
}
