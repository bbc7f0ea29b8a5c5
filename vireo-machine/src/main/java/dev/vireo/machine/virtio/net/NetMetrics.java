package dev.vireo.machine.virtio.net;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of one virtio-net device. "tx" is guest → network, "rx" network → guest.
 * {@code rxDropped} counts frames lost because the guest posted no buffers and the bounded
 * ring was full (a flood cannot grow host memory); {@code txDropped} frames the guest sent
 * that were invalid or that the link refused.
 */
public final class NetMetrics {
    final AtomicLong txFrames = new AtomicLong(), txBytes = new AtomicLong(), txDropped = new AtomicLong();
    final AtomicLong rxFrames = new AtomicLong(), rxBytes = new AtomicLong(), rxDropped = new AtomicLong(),
            rxTruncated = new AtomicLong();
    final AtomicLong linkChanges = new AtomicLong();

    public long txFrames() { return txFrames.get(); }
    public long txBytes() { return txBytes.get(); }
    public long txDropped() { return txDropped.get(); }
    public long rxFrames() { return rxFrames.get(); }
    public long rxBytes() { return rxBytes.get(); }
    public long rxDropped() { return rxDropped.get(); }
    /** Frames that ran out of guest buffers half-way (mergeable buffers); the guest drops them. */
    public long rxTruncated() { return rxTruncated.get(); }

    /** Link state changes reported to the guest (configuration-change interrupts). */
    public long linkChanges() { return linkChanges.get(); }

    /** A snapshot for {@code vm info} and logs. */
    public Snapshot snapshot() {
        return new Snapshot(txFrames(), txBytes(), txDropped(), rxFrames(), rxBytes(), rxDropped(), rxTruncated());
    }

    public record Snapshot(long txFrames, long txBytes, long txDropped, long rxFrames, long rxBytes, long rxDropped,
                           long rxTruncated) {}
}
