package dev.vireo.riscv;

/**
 * Why the RISC-V machine could not be built or booted, in one line the user can act on
 * (bad kernel file, too little memory, unreadable firmware). The CLI prints the message.
 */
public final class MachineException extends RuntimeException {
    public MachineException(String message) {
        super(message);
    }

    public MachineException(String message, Throwable cause) {
        super(message, cause);
    }
}
