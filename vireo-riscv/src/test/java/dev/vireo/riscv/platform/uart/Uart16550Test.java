package dev.vireo.riscv.platform.uart;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.vireo.riscv.platform.uart.Uart16550.*;
import static org.assertj.core.api.Assertions.assertThat;

class Uart16550Test {
    private final AtomicBoolean irq = new AtomicBoolean();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Uart16550 uart = new Uart16550(irq::set, out::write);

    private int read(int register) { return (int) uart.read(register, 1); }

    private void write(int register, int value) { uart.write(register, 1, value); }

    private void receive(String s) {
        byte[] b = s.getBytes();
        assertThat(uart.receive(b, 0, b.length)).isEqualTo(b.length);
    }

    @Test
    void transmitsThrWritesAndAlwaysReportsTheTransmitterEmpty() {
        for (char c : "hi\n".toCharArray()) {
            assertThat(read(LSR) & (LSR_THRE | LSR_TEMT)).isEqualTo(LSR_THRE | LSR_TEMT);
            write(RBR_THR_DLL, c);
        }
        assertThat(out.toString()).isEqualTo("hi\n");
    }

    @Test
    void divisorLatchSharesOffsetsWithDataAndIer() {
        write(LCR, LCR_DLAB | 0x03);
        write(RBR_THR_DLL, 0x01);
        write(IER_DLM, 0x02);
        assertThat(read(RBR_THR_DLL)).isEqualTo(0x01);
        assertThat(read(IER_DLM)).isEqualTo(0x02);
        assertThat(out.size()).isZero();
        write(LCR, 0x03);
        assertThat(read(IER_DLM)).isZero();
        assertThat(read(LCR)).isEqualTo(0x03);
    }

    @Test
    void receivedBytesSetDataReadyAndAreReadInOrder() {
        assertThat(read(LSR) & LSR_DR).isZero();
        receive("ab");
        assertThat(read(LSR) & LSR_DR).isEqualTo(LSR_DR);
        assertThat(read(RBR_THR_DLL)).isEqualTo('a');
        assertThat(read(RBR_THR_DLL)).isEqualTo('b');
        assertThat(read(LSR) & LSR_DR).isZero();
    }

    @Test
    void receiveInterruptFollowsIerAndData() {
        receive("x");
        assertThat(irq).isFalse();
        write(IER_DLM, IER_RDA);
        assertThat(irq).isTrue();
        assertThat(read(IIR_FCR) & 0x0F).isEqualTo(IIR_RDA);
        read(RBR_THR_DLL);
        assertThat(irq).isFalse();
        assertThat(read(IIR_FCR) & 0x0F).isEqualTo(IIR_NONE);
    }

    @Test
    void fifoModeReportsCharacterTimeoutBelowTheTriggerLevel() {
        write(IIR_FCR, FCR_ENABLE | 0x80); // trigger level 8, as Linux sets it
        write(IER_DLM, IER_RDA);
        receive("abc");
        int iir = read(IIR_FCR);
        assertThat(iir & IIR_FIFO_ENABLED).isEqualTo(IIR_FIFO_ENABLED);
        assertThat(iir & 0x0F).isEqualTo(IIR_TIMEOUT);
        receive("defgh");
        assertThat(read(IIR_FCR) & 0x0F).isEqualTo(IIR_RDA);
        write(IIR_FCR, FCR_ENABLE | FCR_CLEAR_RX);
        assertThat(read(LSR) & LSR_DR).isZero();
        assertThat(irq).isFalse();
    }

    @Test
    void enablingThreRaisesItAtOnceAndReadingIirAcknowledgesIt() {
        write(IER_DLM, IER_THRE);
        assertThat(irq).isTrue();
        assertThat(read(IIR_FCR) & 0x0F).isEqualTo(IIR_THRE);
        assertThat(irq).isFalse();
        assertThat(read(IIR_FCR) & 0x0F).isEqualTo(IIR_NONE);
        write(RBR_THR_DLL, 'z'); // the byte leaves at once: THR empty again
        assertThat(irq).isTrue();
        write(IER_DLM, 0);
        assertThat(irq).isFalse();
    }

    @Test
    void receiveDataOutranksThre() {
        write(IER_DLM, IER_THRE | IER_RDA);
        receive("q");
        assertThat(read(IIR_FCR) & 0x0F).isEqualTo(IIR_RDA);
        read(RBR_THR_DLL);
        assertThat(read(IIR_FCR) & 0x0F).isEqualTo(IIR_THRE);
    }

    @Test
    void loopbackSendsTransmittedBytesBackAndMirrorsModemControl() {
        write(MCR, MCR_LOOP | MCR_RTS | MCR_OUT2);
        assertThat(read(MSR) & 0xF0).isEqualTo(MSR_CTS | MSR_DCD);
        write(RBR_THR_DLL, 0x55);
        assertThat(out.size()).isZero();
        assertThat(read(RBR_THR_DLL)).isEqualTo(0x55);
        write(MCR, 0);
        assertThat(read(MSR) & 0xF0).isEqualTo(MSR_CTS | MSR_DSR | MSR_DCD);
    }

    @Test
    void scratchRegisterKeepsItsValue() {
        write(SCR, 0xA5);
        assertThat(read(SCR)).isEqualTo(0xA5);
    }

    @Test
    void fullReceiveBufferAcceptsNoMore() {
        byte[] big = new byte[RX_CAPACITY + 10];
        assertThat(uart.receive(big, 0, big.length)).isEqualTo(RX_CAPACITY);
        read(RBR_THR_DLL);
        assertThat(uart.receive(big, 0, 5)).isEqualTo(1);
    }
}
