package dev.vireo.riscv.platform.uart;

/**
 * Where the UART's transmitted bytes go (the terminal, a log, a test buffer). Called on
 * vCPU threads, one byte per guest THR write; implementations buffer and flush themselves.
 */
@FunctionalInterface
public interface SerialOutput {
    void write(int b);

    SerialOutput DISCARD = b -> {};
}
