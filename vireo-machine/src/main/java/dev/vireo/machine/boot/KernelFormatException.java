package dev.vireo.machine.boot;

/** A kernel file that Vireo cannot boot; the message names the file and what is wrong with it. */
public final class KernelFormatException extends RuntimeException {
    public KernelFormatException(String message) { super(message); }
}
