package dev.vireo.net.vswitch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A test sink that keeps copies of the frames a port sends. */
public final class CollectingSink implements FrameSink {
    private final BlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();

    @Override
    public void send(byte[] frame, int offset, int length) {
        frames.add(Arrays.copyOfRange(frame, offset, offset + length));
    }

    /** Waits up to a second for the next frame; null if none came. */
    public byte[] next() throws InterruptedException {
        return frames.poll(1, TimeUnit.SECONDS);
    }

    /** Returns null if no frame arrives within 100 ms: for "not delivered" checks. */
    public byte[] nextQuickly() throws InterruptedException {
        return frames.poll(100, TimeUnit.MILLISECONDS);
    }

    public List<byte[]> drain() throws InterruptedException {
        Thread.sleep(100);
        List<byte[]> list = new ArrayList<>();
        frames.drainTo(list);
        return list;
    }
}
