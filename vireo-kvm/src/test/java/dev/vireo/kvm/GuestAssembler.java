package dev.vireo.kvm;

import org.opentest4j.TestAbortedException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds small x86-64 test guests with the host's GNU binutils: {@code as} then {@code ld}
 * with a linker script that places everything at 1 MiB (physical = virtual), giving a
 * bare-metal ELF64 that {@link dev.vireo.kvm.boot.ElfLoader} loads.
 */
final class GuestAssembler {
    private static final String LINKER_SCRIPT = """
            ENTRY(_start)
            SECTIONS {
              . = 0x100000;
              .text : { *(.text*) }
              .data : { *(.data*) *(.rodata*) *(.bss*) }
              /DISCARD/ : { *(.note*) *(.comment) }
            }
            """;

    /**
     * The CPL0 prologue every test guest starts with (7 instructions, since kernel-mode code
     * is emulated on PVM hosts): iretq to {@code user} at CPL3 with IOPL 3, keeping the stack.
     */
    static final String DROP_TO_USER = """
                .code64
                .global _start
            _start:
                mov %rsp, %rax
                push $0x23
                push %rax
                push $0x3002
                push $0x2b
                push $user
                iretq
            """;

    private GuestAssembler() {}

    static Path build(Path dir, String name, String source) throws IOException, InterruptedException {
        Path asm = dir.resolve(name + ".S"), object = dir.resolve(name + ".o"), script = dir.resolve("guest.ld");
        Path elf = dir.resolve(name + ".elf");
        Files.writeString(asm, source);
        Files.writeString(script, LINKER_SCRIPT);
        run(List.of("as", "--64", "-o", object.toString(), asm.toString()));
        run(List.of("ld", "-m", "elf_x86_64", "-nostdlib", "-static", "--build-id=none", "-z", "noexecstack",
                "-T", script.toString(), "-o", elf.toString(), object.toString()));
        return elf;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new TestAbortedException("skipped: GNU binutils (" + command.getFirst() + ") not installed; the test guests are built with as/ld");
        }
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed:\n" + output);
        }
    }
}
