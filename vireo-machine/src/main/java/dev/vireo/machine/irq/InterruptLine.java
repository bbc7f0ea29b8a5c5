package dev.vireo.machine.irq;

/**
 * One level-triggered interrupt wire from a device to an interrupt controller (PLIC on
 * RISC-V, IOAPIC/irqfd on KVM). A device raises it while it has something to report and
 * lowers it when the guest acknowledges. May be called from any thread.
 */
@FunctionalInterface
public interface InterruptLine {
    void set(boolean level);

    default void raise() { set(true); }

    default void lower() { set(false); }

    /** A line that goes nowhere (for tests and unconnected devices). */
    InterruptLine NONE = level -> {};
}
