package dev.vireo.machine.virtio;

import dev.vireo.image.DiskImage;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/** A disk in a byte array, for device tests: counts flushes and can be told to fail. */
public final class MemoryDiskImage implements DiskImage {
    private final byte[] data;
    private final boolean readOnly;
    public final AtomicInteger flushes = new AtomicInteger();
    public final AtomicInteger discards = new AtomicInteger();
    public volatile boolean failing;
    public volatile boolean closed;
    /** Name of the thread that last read or wrote (device I/O must not run on vCPU threads). */
    public volatile String lastThread;
    /** When set, reads wait for it to open (to hold the I/O thread inside a request). */
    public volatile java.util.concurrent.CountDownLatch gate;

    public MemoryDiskImage(int size, boolean readOnly) {
        this.data = new byte[size];
        this.readOnly = readOnly;
    }

    public byte[] data() { return data; }

    @Override
    public long size() { return data.length; }

    @Override
    public boolean readOnly() { return readOnly; }

    private void check(long position, long length) throws IOException {
        if (failing) throw new IOException("injected failure");
        if (position < 0 || length < 0 || position + length > data.length) throw new IOException("out of range");
    }

    @Override
    public void read(long position, byte[] buffer, int offset, int length) throws IOException {
        check(position, length);
        lastThread = Thread.currentThread().getName();
        var g = gate;
        if (g != null) {
            try {
                g.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
        }
        System.arraycopy(data, (int) position, buffer, offset, length);
    }

    @Override
    public void write(long position, byte[] buffer, int offset, int length) throws IOException {
        check(position, length);
        if (readOnly) throw new IOException("read-only");
        lastThread = Thread.currentThread().getName();
        System.arraycopy(buffer, offset, data, (int) position, length);
    }

    @Override
    public void flush() throws IOException {
        if (failing) throw new IOException("injected failure");
        flushes.incrementAndGet();
    }

    @Override
    public void discard(long position, long length) throws IOException {
        check(position, length);
        discards.incrementAndGet();
        Arrays.fill(data, (int) position, (int) (position + length), (byte) 0);
    }

    @Override
    public void writeZeroes(long position, long length, boolean mayUnmap) throws IOException {
        check(position, length);
        Arrays.fill(data, (int) position, (int) (position + length), (byte) 0);
    }

    @Override
    public void close() { closed = true; }
}
