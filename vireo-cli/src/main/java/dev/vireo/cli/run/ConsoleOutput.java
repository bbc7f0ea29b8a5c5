package dev.vireo.cli.run;

import dev.vireo.riscv.platform.uart.SerialOutput;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * The guest's serial output on our stdout. vCPU threads write one byte at a time, so bytes
 * are buffered and flushed at each newline, when the buffer fills, and by a daemon thread
 * every {@link #FLUSH_INTERVAL_MILLIS} ms (a shell prompt has no newline). A failed write
 * (stdout closed) drops output rather than stopping the guest.
 */
public final class ConsoleOutput implements SerialOutput, AutoCloseable {
    static final int FLUSH_INTERVAL_MILLIS = 15;

    private final OutputStream out;
    private final byte[] buffer = new byte[8192];
    private int count;
    private boolean broken;
    private final Thread flusher;

    public ConsoleOutput(OutputStream out) {
        this.out = out;
        this.flusher = Thread.ofPlatform().daemon().name("vireo-console-flush").start(this::flushPeriodically);
    }

    @Override
    public synchronized void write(int b) {
        buffer[count++] = (byte) b;
        if (b == '\n' || count == buffer.length) flush();
    }

    public synchronized void flush() {
        if (count == 0 || broken) {
            count = 0;
            return;
        }
        try {
            out.write(buffer, 0, count);
            out.flush();
        } catch (IOException e) {
            broken = true;
        } finally {
            count = 0;
        }
    }

    private void flushPeriodically() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(FLUSH_INTERVAL_MILLIS);
                flush();
            }
        } catch (InterruptedException e) {
            // closing
        } catch (UncheckedIOException e) {
            // stdout is gone; nothing left to do
        }
    }

    @Override
    public void close() {
        flusher.interrupt();
        flush();
    }
}
