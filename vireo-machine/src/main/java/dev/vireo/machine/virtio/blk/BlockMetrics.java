package dev.vireo.machine.virtio.blk;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of one virtio-blk device, for the VMM's status and the daemon's metrics endpoint.
 * Written only by the device's I/O thread (uncontended atomics, no allocation); read from
 * any thread through {@link #snapshot()}.
 */
public final class BlockMetrics {
    /** A consistent-enough copy of the counters (each value exact, not read atomically together). */
    public record Snapshot(long readRequests, long writeRequests, long flushRequests, long discardRequests,
                           long bytesRead, long bytesWritten, long ioErrors, long unsupported) {}

    final AtomicLong readRequests = new AtomicLong();
    final AtomicLong writeRequests = new AtomicLong();
    final AtomicLong flushRequests = new AtomicLong();
    final AtomicLong discardRequests = new AtomicLong();
    final AtomicLong bytesRead = new AtomicLong();
    final AtomicLong bytesWritten = new AtomicLong();
    final AtomicLong ioErrors = new AtomicLong();
    final AtomicLong unsupported = new AtomicLong();

    public Snapshot snapshot() {
        return new Snapshot(readRequests.get(), writeRequests.get(), flushRequests.get(), discardRequests.get(),
                bytesRead.get(), bytesWritten.get(), ioErrors.get(), unsupported.get());
    }
}
