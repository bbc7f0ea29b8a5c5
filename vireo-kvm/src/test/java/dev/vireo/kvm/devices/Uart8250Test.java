package dev.vireo.kvm.devices;

import dev.vireo.machine.irq.InterruptLine;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class Uart8250Test {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final AtomicInteger edges = new AtomicInteger();
    private final Uart8250 uart = new Uart8250(out, level -> { if (level) edges.incrementAndGet(); });

    @Test
    void transmitsToTheConsoleAndAlwaysReportsAnEmptyTransmitter() {
        for (char c : "hi\n".toCharArray()) uart.write(0, 1, c);
        assertThat(out.toString()).isEqualTo("hi\n");
        assertThat(uart.read(5, 1) & 0x60).isEqualTo(0x60);
    }

    @Test
    void receivedBytesRaiseDataReadyAndAnInterruptWhenEnabled() {
        uart.write(4, 1, 0x08);        // OUT2: interrupts reach the PIC
        uart.write(1, 1, 0x01);        // IER: received data available
        uart.receive((byte) 'x');
        assertThat(edges.get()).isEqualTo(1);
        assertThat(uart.read(2, 1) & 0x0F).isEqualTo(0x04);   // IIR: received data
        assertThat(uart.read(5, 1) & 1).isEqualTo(1);
        assertThat(uart.read(0, 1)).isEqualTo('x');
        assertThat(uart.read(5, 1) & 1).isZero();
        assertThat(uart.read(2, 1) & 0x0F).isEqualTo(0x01);   // nothing pending
    }

    @Test
    void transmitterEmptyInterruptIsAcknowledgedByReadingIir() {
        uart.write(4, 1, 0x08);
        uart.write(1, 1, 0x02);        // IER: THR empty
        assertThat(edges.get()).isEqualTo(1);
        assertThat(uart.read(2, 1) & 0x0F).isEqualTo(0x02);
        assertThat(uart.read(2, 1) & 0x0F).isEqualTo(0x01);
        uart.write(0, 1, 'a');
        assertThat(edges.get()).isEqualTo(2);
        assertThat(uart.read(2, 1) & 0x0F).isEqualTo(0x02);
    }

    @Test
    void divisorLatchAndLoopback() {
        uart.write(3, 1, 0x80);        // DLAB
        uart.write(0, 1, 0x01);
        uart.write(1, 1, 0x00);
        assertThat(uart.read(0, 1)).isEqualTo(1);
        uart.write(3, 1, 0x03);
        uart.write(4, 1, 0x10 | 0x0F); // loopback with all outputs high
        uart.write(0, 1, 'L');
        assertThat(out.size()).isZero();
        assertThat(uart.read(0, 1)).isEqualTo('L');
        assertThat(uart.read(6, 1) & 0xF0).isEqualTo(0xF0);
    }

    @Test
    void noInterruptWithoutOut2() {
        Uart8250 quiet = new Uart8250(out, InterruptLine.NONE);
        quiet.write(1, 1, 0x01);
        quiet.receive((byte) 1);
        assertThat(quiet.read(0, 1)).isEqualTo(1);
        uart.write(1, 1, 0x01);
        uart.receive((byte) 1);
        assertThat(edges.get()).isZero();
    }
}
