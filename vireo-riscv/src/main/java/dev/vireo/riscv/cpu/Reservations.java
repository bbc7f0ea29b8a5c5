package dev.vireo.riscv.cpu;

/**
 * LR/SC reservation sets shared by all harts of one machine (RISC-V unprivileged §8.2):
 * a store by any hart to a reserved address invalidates other harts' reservations there.
 * One instance per machine, passed to every {@link Hart}.
 */
public final class Reservations {
    public Reservations(int harts) {
        throw new UnsupportedOperationException("TODO: CPU");
    }
}
