package dev.vireo.kvm.devices;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;

/**
 * Console input that outlives one machine: a single daemon thread ("vireo-console-input")
 * reads the real stream (typically System.in, whose blocking read cannot be interrupted) into
 * a queue, and each machine's UART reads from this stream. A UART that closes interrupts its
 * reader, which then gives up without taking a byte, so a rebooted machine's UART gets all
 * input typed after the reboot.
 */
public final class ConsoleInput extends InputStream {
    private static final byte[] END = new byte[0];
    private final BlockingDeque<byte[]> chunks = new LinkedBlockingDeque<>();
    private volatile boolean ended;

    public ConsoleInput(InputStream source) {
        Thread.ofPlatform().daemon().name("vireo-console-input").start(() -> {
            byte[] buffer = new byte[256];
            try {
                int n;
                while ((n = source.read(buffer)) > 0) chunks.add(java.util.Arrays.copyOf(buffer, n));
            } catch (IOException e) {
                // the console went away: end of input
            }
            chunks.add(END);
        });
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) <= 0 ? -1 : one[0] & 0xFF;
    }

    /** Blocks until input arrives; interruptible (throws {@link InterruptedIOException}, taking nothing). */
    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (ended) return -1;
        byte[] chunk;
        try {
            chunk = chunks.take();
        } catch (InterruptedException e) {
            throw new InterruptedIOException("console reader closed");
        }
        if (chunk == END) {
            ended = true;
            return -1;
        }
        int n = Math.min(len, chunk.length);
        System.arraycopy(chunk, 0, b, off, n);
        if (n < chunk.length) chunks.addFirst(java.util.Arrays.copyOfRange(chunk, n, chunk.length));   // one reader at a time
        return n;
    }
}
