package dev.vireo.net.ratelimit;

import dev.vireo.machine.net.FrameLink;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A NIC's rate limit ({@code --nic …,rate=SIZE}): a {@link TokenBucket} per direction around
 * another {@link FrameLink}. Transmit waits on the NIC's I/O thread, so a guest that sends
 * faster fills its own transmit queue and is slowed down; receive waits on the link's reader
 * thread, so the network behind it (the switch port's bounded queue, passt's socket) holds
 * or drops the excess, never the VM process's memory. One frame waits at most
 * 1522 bytes / rate (23 ms at the 64 KiB/s minimum).
 */
public final class RateLimitedLink implements FrameLink {
    /** The smallest rate accepted: below it one frame would wait for longer than 25 ms. */
    public static final long MIN_RATE = 64 * 1024;

    private final FrameLink link;
    private final TokenBucket transmit, receive;
    private final AtomicLong delayedNanos = new AtomicLong();

    public RateLimitedLink(FrameLink link, long bytesPerSecond) {
        if (bytesPerSecond < MIN_RATE) throw new IllegalArgumentException("rate " + bytesPerSecond + " B/s is below the minimum 64K");
        this.link = link;
        long burst = TokenBucket.defaultBurst(bytesPerSecond);
        this.transmit = new TokenBucket(bytesPerSecond, burst, System::nanoTime);
        this.receive = new TokenBucket(bytesPerSecond, burst, System::nanoTime);
    }

    @Override
    public void start(Receiver receiver) {
        link.start((frame, offset, length) -> {
            pause(receive.reserve(length));
            receiver.receive(frame, offset, length);
        });
    }

    @Override
    public boolean send(byte[] frame, int offset, int length) {
        pause(transmit.reserve(length));
        return link.send(frame, offset, length);
    }

    private void pause(long nanos) {
        if (nanos <= 0) return;
        delayedNanos.addAndGet(nanos);
        long deadline = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = deadline - System.nanoTime()) LockSupport.parkNanos(left);
    }

    /** Total time frames were held back, both directions (for tests and stats). */
    public long delayedNanos() { return delayedNanos.get(); }

    @Override
    public boolean linkUp() { return link.linkUp(); }

    @Override
    public void onLinkChange(Runnable listener) { link.onLinkChange(listener); }

    @Override
    public String describe() { return link.describe() + ", rate " + transmit.bytesPerSecond() + " B/s each way"; }

    @Override
    public void close() { link.close(); }
}
