package dev.vireo.riscv.cpu;

import dev.vireo.machine.bus.MmioBus;
import dev.vireo.machine.bus.MmioDevice;
import dev.vireo.machine.memory.GuestMemory;
import dev.vireo.riscv.MachineClock;

import java.util.ArrayList;
import java.util.List;

/**
 * A minimal machine for CPU tests: RAM at 0x8000_0000, a halt device at {@link Asm#HALT_DEVICE}
 * (any store stops every hart), and {@code n} harts that all start at the program.
 */
final class TestMachine implements AutoCloseable {
    static final long RAM_SIZE = 8L << 20;
    final GuestMemory ram = GuestMemory.allocate(Asm.BASE, RAM_SIZE);
    final MmioBus bus = new MmioBus();
    final MachineClock clock = new MachineClock();
    final List<Hart> harts = new ArrayList<>();
    /** Shared by the harts, as in a machine. */
    final BlockTable blockTable = new BlockTable();

    TestMachine(int n) {
        Reservations reservations = new Reservations(n);
        for (int i = 0; i < n; i++) harts.add(new Hart(i, ram, bus, clock, reservations, blockTable));
        bus.register(Asm.HALT_DEVICE, 0x1000, new MmioDevice() {
            @Override public long read(long offset, int size) { return 0; }
            @Override public void write(long offset, int size, long value) { harts.forEach(Hart::requestStop); }
        });
    }

    TestMachine() { this(1); }

    Hart hart() { return harts.getFirst(); }

    /** Assembles {@code source}, loads it at 0x8000_0000 and runs every hart until it halts. */
    TestMachine run(String source) {
        load(source);
        return start();
    }

    TestMachine load(String source) {
        ram.write(Asm.BASE, Asm.assemble(source));
        for (Hart h : harts) h.reset(Asm.BASE, h.hartId(), 0, 0);
        return this;
    }

    /** Runs every hart on its own thread until the program halts; fails after 10 s. */
    TestMachine start() {
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (Hart h : harts) {
            Thread t = Thread.ofPlatform().name("test-hart-" + h.hartId()).start(() -> {
                try {
                    h.run();
                } catch (Throwable e) {
                    synchronized (failures) { failures.add(e); }
                }
            });
            threads.add(t);
        }
        try {
            for (Thread t : threads) {
                t.join(10_000);
                if (t.isAlive()) {
                    harts.forEach(Hart::requestStop);
                    t.join(1000);
                    throw new AssertionError("program did not halt within 10 s; hart 0 pc=0x" + Long.toHexString(hart().pc()));
                }
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        if (!failures.isEmpty()) throw new AssertionError("hart failed", failures.getFirst());
        return this;
    }

    long x(int i) { return hart().x(i); }

    /** Register by ABI name (a0, t1, s2, ...). */
    long reg(String name) { return hart().x(Registers.number(name)); }

    long csr(int number) { return hart().csr.read(number, 0); }

    long readLong(long address) { return ram.readLong(address); }

    @Override
    public void close() { ram.close(); }
}
