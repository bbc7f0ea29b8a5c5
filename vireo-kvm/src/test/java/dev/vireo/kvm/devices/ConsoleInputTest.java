package dev.vireo.kvm.devices;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class ConsoleInputTest {
    @Test
    void aClosedUartLeavesLaterInputToTheNextUart() throws Exception {
        PipedOutputStream typist = new PipedOutputStream();
        ConsoleInput input = new ConsoleInput(new PipedInputStream(typist));
        ByteArrayOutputStream echo = new ByteArrayOutputStream();

        Uart8250 first = new Uart8250(echo, level -> { });
        first.startInput(input);
        typist.write("ab".getBytes());
        typist.flush();
        awaitBytes(first, 2);
        first.close();
        Thread.sleep(50);                         // its reader is now interrupted, holding nothing

        Uart8250 second = new Uart8250(echo, level -> { });
        second.startInput(input);
        typist.write("cd".getBytes());
        typist.flush();
        awaitBytes(second, 2);

        assertThat((char) second.read(0, 1)).isEqualTo('c');
        assertThat((char) second.read(0, 1)).isEqualTo('d');
        assertThat((char) first.read(0, 1)).isEqualTo('a');
    }

    private static void awaitBytes(Uart8250 uart, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if ((uart.read(5, 1) & 1) != 0 && uart.pending() >= count) return;
            Thread.sleep(5);
        }
        throw new AssertionError("input did not arrive");
    }
}
