package dev.vireo.kvm.devices;

import dev.vireo.machine.bus.PioDevice;
import dev.vireo.machine.irq.InterruptLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;

/**
 * An 8250/16550A UART, the PC's COM1 at ports 0x3F8..0x3FF with IRQ 4: the guest console.
 * Transmitted bytes go straight to the console sink (so the transmitter is always empty);
 * received bytes come from an input stream read by one daemon thread into a bounded FIFO.
 *
 * <p>Registers (offset, DLAB = 0): 0 RBR/THR, 1 IER, 2 IIR/FCR, 3 LCR, 4 MCR, 5 LSR, 6 MSR,
 * 7 SCR; with DLAB = 1, 0 and 1 are the divisor latch. Loopback (MCR bit 4) is modelled because
 * drivers probe with it. Interrupts are signalled as edges on the line (ISA IRQs are edge
 * triggered), gated by MCR OUT2 as on a PC.
 *
 * <p>Threads: register accesses come from vCPU threads, input from the reader thread; all
 * state is guarded by this object's monitor. The interrupt is raised outside the monitor.
 */
public final class Uart8250 implements PioDevice, AutoCloseable {
    public static final int COM1_PORT = 0x3F8, COM1_IRQ = 4, PORT_COUNT = 8;
    private static final int FIFO_BYTES = 4096;
    private static final int IER_RDI = 1, IER_THRI = 2, IER_RLSI = 4;
    private static final int IIR_NONE = 1, IIR_THRI = 2, IIR_RDI = 4, IIR_FIFO = 0xC0;
    private static final int LCR_DLAB = 0x80, MCR_OUT2 = 8, MCR_LOOP = 0x10;
    private static final int LSR_DR = 1, LSR_THRE = 0x20, LSR_TEMT = 0x40;

    private final OutputStream console;
    private final InterruptLine irq;
    private final ArrayDeque<Byte> received = new ArrayDeque<>();
    private int ier, lcr = 3, mcr, scr, fcr, dll = 12, dlm;
    private boolean thrEmptyPending;
    private volatile Thread reader;

    public Uart8250(OutputStream console, InterruptLine irq) {
        this.console = console;
        this.irq = irq;
    }

    /** Starts feeding {@code input} to the guest on a daemon thread named "vireo-uart-input". */
    public void startInput(InputStream input) {
        Thread t = Thread.ofPlatform().daemon().name("vireo-uart-input").unstarted(() -> pump(input));
        reader = t;
        t.start();
    }

    private void pump(InputStream input) {
        byte[] buffer = new byte[256];
        try {
            int n;
            while (reader == Thread.currentThread() && (n = input.read(buffer)) > 0) {
                for (int i = 0; i < n; i++) receive(buffer[i]);
            }
        } catch (IOException e) {
            // Console input closed: the guest simply sees no more bytes.
        }
    }

    /** Queues one byte for the guest (drops it if the FIFO is full, as hardware overruns). */
    public void receive(byte b) {
        boolean interrupt;
        synchronized (this) {
            if (received.size() >= FIFO_BYTES) return;
            received.add(b);
            interrupt = (ier & IER_RDI) != 0 && received.size() == 1;
        }
        if (interrupt) pulse();
    }

    /** Bytes received and not yet read by the guest. */
    public synchronized int pending() { return received.size(); }

    @Override
    public long read(int offset, int size) {
        boolean interrupt = false;
        long value;
        synchronized (this) {
            boolean dlab = (lcr & LCR_DLAB) != 0;
            value = switch (offset) {
                case 0 -> {
                    if (dlab) yield dll;
                    Byte b = received.poll();
                    interrupt = b != null && !received.isEmpty() && (ier & IER_RDI) != 0;
                    yield b == null ? 0 : b & 0xFF;
                }
                case 1 -> dlab ? dlm : ier;
                case 2 -> {
                    int id = interruptId();
                    if (id == IIR_THRI) thrEmptyPending = false;   // reading IIR acknowledges THRE
                    yield id | ((fcr & 1) != 0 ? IIR_FIFO : 0);
                }
                case 3 -> lcr;
                case 4 -> mcr;
                case 5 -> (received.isEmpty() ? 0 : LSR_DR) | LSR_THRE | LSR_TEMT;
                case 6 -> modemStatus();
                case 7 -> scr;
                default -> 0xFF;
            };
        }
        if (interrupt) pulse();
        return value;
    }

    @Override
    public void write(int offset, int size, long value) {
        int v = (int) value & 0xFF;
        boolean interrupt = false;
        byte loopback = 0;
        boolean transmit = false, loop = false;
        synchronized (this) {
            boolean dlab = (lcr & LCR_DLAB) != 0;
            switch (offset) {
                case 0 -> {
                    if (dlab) {
                        dll = v;
                    } else {
                        if ((mcr & MCR_LOOP) != 0) { loopback = (byte) v; loop = true; } else { transmit = true; }
                        thrEmptyPending = true;
                        interrupt = (ier & IER_THRI) != 0;
                    }
                }
                case 1 -> {
                    if (dlab) {
                        dlm = v;
                    } else {
                        boolean thriEnabled = (ier & IER_THRI) == 0 && (v & IER_THRI) != 0;
                        ier = v & 0x0F;
                        if (thriEnabled) thrEmptyPending = true;
                        interrupt = interruptId() != IIR_NONE;
                    }
                }
                case 2 -> fcr = v & 0xC9;
                case 3 -> lcr = v;
                case 4 -> mcr = v & 0x1F;
                case 7 -> scr = v;
                default -> { }   // LSR and MSR are read-only
            }
        }
        if (transmit) emit(v);
        if (loop) receive(loopback);
        if (interrupt) pulse();
    }

    private int interruptId() {
        if ((ier & IER_RDI) != 0 && !received.isEmpty()) return IIR_RDI;
        if ((ier & IER_THRI) != 0 && thrEmptyPending) return IIR_THRI;
        return IIR_NONE;
    }

    private int modemStatus() {
        if ((mcr & MCR_LOOP) == 0) return 0xB0;   // CTS, DSR, DCD: a terminal is attached
        return ((mcr & 1) << 5) | ((mcr & 2) << 3) | ((mcr & 4) << 4) | ((mcr & 8) << 4);
    }

    private void pulse() {
        synchronized (this) {
            if ((mcr & MCR_OUT2) == 0 && (mcr & MCR_LOOP) == 0) return;
        }
        irq.raise();
        irq.lower();
    }

    private void emit(int b) {
        try {
            console.write(b);
            console.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("console output failed", e);
        }
    }

    /** Stops reading input; an interruptible stream ({@link ConsoleInput}) is left untouched for the next reader. */
    @Override
    public void close() {
        Thread t = reader;
        reader = null;
        if (t != null) t.interrupt();
    }
}
