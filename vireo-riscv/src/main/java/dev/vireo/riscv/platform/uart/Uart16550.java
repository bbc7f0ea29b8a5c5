package dev.vireo.riscv.platform.uart;

import dev.vireo.machine.bus.MmioDevice;
import dev.vireo.machine.irq.InterruptLine;

/**
 * A National Semiconductor 16550A UART (PC16550D datasheet), as QEMU's {@code virt} board
 * exposes it: eight byte-wide registers (reg-shift 0), transmission completes instantly,
 * a receive FIFO that the host fills through {@link #receive}.
 *
 * <p>What guests rely on: Linux's 8250 driver and OpenSBI poll LSR.THRE/DR; the 8250 driver
 * checks that enabling IER.ETBEI raises a THRE interrupt at once and that reading IIR then
 * clears it (its "THRE test"); with FIFOs on it expects IIR bits 7:6 set and a character
 * timeout (IIR 0x0C) for input below the trigger level, which we report immediately.
 *
 * <p>Threads: registers are accessed on vCPU threads, {@link #receive} on the console
 * thread; all state is guarded by this object's monitor (lock order: UART, then PLIC).
 */
public final class Uart16550 implements MmioDevice {
    /** Register offsets (DLAB selects DLL/DLM at 0/1). */
    static final int RBR_THR_DLL = 0, IER_DLM = 1, IIR_FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;

    static final int IER_RDA = 0x01, IER_THRE = 0x02, IER_LINE_STATUS = 0x04, IER_MODEM_STATUS = 0x08;
    static final int IIR_NONE = 0x01, IIR_LINE_STATUS = 0x06, IIR_RDA = 0x04, IIR_TIMEOUT = 0x0C,
            IIR_THRE = 0x02, IIR_MODEM_STATUS = 0x00, IIR_FIFO_ENABLED = 0xC0;
    static final int FCR_ENABLE = 0x01, FCR_CLEAR_RX = 0x02, FCR_CLEAR_TX = 0x04;
    static final int LCR_DLAB = 0x80;
    static final int MCR_DTR = 0x01, MCR_RTS = 0x02, MCR_OUT1 = 0x04, MCR_OUT2 = 0x08, MCR_LOOP = 0x10;
    static final int LSR_DR = 0x01, LSR_OE = 0x02, LSR_THRE = 0x20, LSR_TEMT = 0x40;
    static final int MSR_CTS = 0x10, MSR_DSR = 0x20, MSR_RI = 0x40, MSR_DCD = 0x80;
    private static final int[] TRIGGER_LEVELS = {1, 4, 8, 14};

    /**
     * Host-side receive buffer. Real hardware has 16 bytes; a deeper buffer lets a paste or
     * a piped script arrive without loss while the guest drains it (drivers read while DR).
     */
    static final int RX_CAPACITY = 4096;

    private final InterruptLine irq;
    private final SerialOutput output;

    private final byte[] rx = new byte[RX_CAPACITY];
    private int rxHead, rxCount;
    private int ier, lcr, mcr, fcr, scr, dll = 12, dlm;
    private int lineStatusErrors; // OE, latched until LSR is read
    private boolean thrEmptyInterrupt; // THRE interrupt pending (cleared by IIR read or THR write)
    private boolean irqLevel;

    public Uart16550(InterruptLine irq, SerialOutput output) {
        this.irq = irq;
        this.output = output;
    }

    @Override
    public synchronized long read(long offset, int size) {
        int value = readRegister((int) offset);
        updateInterrupt();
        return value;
    }

    @Override
    public synchronized void write(long offset, int size, long value) {
        int transmit = writeRegister((int) offset, (int) value & 0xFF);
        // Output and the interrupt line are driven under the monitor so that bytes from
        // several harts keep their order and the line never lags behind the registers.
        if (transmit >= 0) output.write(transmit);
        updateInterrupt();
    }

    /**
     * Offers input bytes from the host; returns how many were accepted (fewer when the
     * receive buffer is full: call again after {@link #awaitReceiveSpace}).
     */
    public synchronized int receive(byte[] data, int offset, int length) {
        int accepted = Math.min(length, RX_CAPACITY - rxCount);
        for (int i = 0; i < accepted; i++) pushRx(data[offset + i]);
        updateInterrupt();
        return accepted;
    }

    /** Blocks until the receive buffer has room (or the timeout passes). */
    public synchronized void awaitReceiveSpace(long timeoutMillis) throws InterruptedException {
        if (rxCount == RX_CAPACITY) wait(timeoutMillis);
    }

    private int readRegister(int register) {
        return switch (register) {
            case RBR_THR_DLL -> (lcr & LCR_DLAB) != 0 ? dll : popRx();
            case IER_DLM -> (lcr & LCR_DLAB) != 0 ? dlm : ier;
            case IIR_FCR -> readIir();
            case LCR -> lcr;
            case MCR -> mcr;
            case LSR -> {
                int lsr = LSR_THRE | LSR_TEMT | lineStatusErrors | (rxCount > 0 ? LSR_DR : 0);
                lineStatusErrors = 0;
                yield lsr;
            }
            case MSR -> modemStatus();
            case SCR -> scr;
            default -> 0;
        };
    }

    /** Returns a byte to transmit, or -1. */
    private int writeRegister(int register, int value) {
        switch (register) {
            case RBR_THR_DLL -> {
                if ((lcr & LCR_DLAB) != 0) {
                    dll = value;
                    return -1;
                }
                // Transmission is instantaneous, so THR is empty again at once.
                thrEmptyInterrupt = true;
                if ((mcr & MCR_LOOP) != 0) {
                    if (rxCount < RX_CAPACITY) pushRx((byte) value);
                    else lineStatusErrors |= LSR_OE;
                    return -1;
                }
                return value;
            }
            case IER_DLM -> {
                if ((lcr & LCR_DLAB) != 0) {
                    dlm = value;
                } else {
                    // Enabling ETBEI with THR empty raises THRE at once (the 8250 THRE test).
                    if ((value & IER_THRE) != 0 && (ier & IER_THRE) == 0) thrEmptyInterrupt = true;
                    ier = value & 0x0F;
                }
            }
            case IIR_FCR -> {
                if ((value & FCR_CLEAR_RX) != 0) {
                    rxHead = 0;
                    rxCount = 0;
                    notifyAll();
                }
                fcr = value & 0xC9; // keep enable, DMA mode and trigger bits
            }
            case LCR -> lcr = value;
            case MCR -> mcr = value & 0x1F;
            case SCR -> scr = value;
            default -> { /* LSR and MSR are read-only */ }
        }
        return -1;
    }

    private int readIir() {
        int fifoBits = (fcr & FCR_ENABLE) != 0 ? IIR_FIFO_ENABLED : 0;
        int id = pendingInterrupt();
        // Reading IIR while it reports THRE acknowledges that interrupt.
        if (id == IIR_THRE) thrEmptyInterrupt = false;
        return fifoBits | id;
    }

    /** The highest-priority pending interrupt identification (IIR bits 3:0). */
    private int pendingInterrupt() {
        if ((ier & IER_LINE_STATUS) != 0 && lineStatusErrors != 0) return IIR_LINE_STATUS;
        if ((ier & IER_RDA) != 0 && rxCount > 0) {
            boolean fifo = (fcr & FCR_ENABLE) != 0;
            int trigger = fifo ? TRIGGER_LEVELS[(fcr >> 6) & 3] : 1;
            return rxCount >= trigger ? IIR_RDA : IIR_TIMEOUT;
        }
        if ((ier & IER_THRE) != 0 && thrEmptyInterrupt) return IIR_THRE;
        return IIR_NONE;
    }

    private int modemStatus() {
        if ((mcr & MCR_LOOP) != 0) {
            // Loopback wires DTR→DSR, RTS→CTS, OUT1→RI, OUT2→DCD (datasheet §8.6.5).
            return ((mcr & MCR_RTS) != 0 ? MSR_CTS : 0) | ((mcr & MCR_DTR) != 0 ? MSR_DSR : 0)
                    | ((mcr & MCR_OUT1) != 0 ? MSR_RI : 0) | ((mcr & MCR_OUT2) != 0 ? MSR_DCD : 0);
        }
        // A terminal is always attached and ready.
        return MSR_DCD | MSR_DSR | MSR_CTS;
    }

    private void pushRx(byte b) {
        rx[(rxHead + rxCount) % RX_CAPACITY] = b;
        rxCount++;
    }

    private int popRx() {
        if (rxCount == 0) return 0;
        int b = rx[rxHead] & 0xFF;
        rxHead = (rxHead + 1) % RX_CAPACITY;
        if (rxCount-- == RX_CAPACITY) notifyAll();
        return b;
    }

    /** Drives the interrupt output from the registers; only changes reach the line. */
    private void updateInterrupt() {
        boolean level = pendingInterrupt() != IIR_NONE;
        if (level != irqLevel) {
            irqLevel = level;
            irq.set(level);
        }
    }
}
