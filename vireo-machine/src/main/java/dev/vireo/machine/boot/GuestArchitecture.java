package dev.vireo.machine.boot;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The instruction set a guest kernel is built for, which decides the backend that can run
 * it: {@code kvm} runs x86-64 guests on x86-64 hosts, the emulator runs RISC-V.
 */
public enum GuestArchitecture {
    X86_64("x86-64"),
    RISCV64("riscv64");

    private final String displayName;

    GuestArchitecture(String displayName) { this.displayName = displayName; }

    /** The name the CLI prints ({@code x86-64}, {@code riscv64}). */
    public String displayName() { return displayName; }

    /**
     * Detects the architecture of the kernel file at {@code path} from its header
     * (x86 bzImage, RISC-V Image, or ELF64 for either).
     *
     * @throws KernelFormatException if the file is not a kernel Vireo can boot (the message says why)
     * @throws IOException if the file cannot be read
     */
    public static GuestArchitecture detect(Path path) throws IOException {
        return KernelFile.probe(path).architecture();
    }
}
