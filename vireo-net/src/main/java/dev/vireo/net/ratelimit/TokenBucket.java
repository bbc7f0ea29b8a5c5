package dev.vireo.net.ratelimit;

import java.util.function.LongSupplier;

/**
 * A token bucket in bytes (DESIGN §9: "token-bucket rate limits per disk and NIC"): it fills
 * at {@code bytesPerSecond} up to {@code burstBytes}. {@link #reserve} takes the bytes at
 * once, letting the level go negative, and says how long the caller must wait before the
 * reservation is covered: a shaper (frames are delayed), not a policer (frames are dropped),
 * so TCP sees a slower link rather than losses.
 *
 * <p>Threads: one per bucket (a NIC's transmit bucket is used by its I/O thread only, its
 * receive bucket by the link's reader thread only); not thread-safe.
 */
public final class TokenBucket {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long bytesPerSecond, burstBytes;
    private final LongSupplier nanoClock;
    private double level;
    private long last;

    public TokenBucket(long bytesPerSecond, long burstBytes, LongSupplier nanoClock) {
        if (bytesPerSecond <= 0) throw new IllegalArgumentException("rate must be positive: " + bytesPerSecond);
        if (burstBytes <= 0) throw new IllegalArgumentException("burst must be positive: " + burstBytes);
        this.bytesPerSecond = bytesPerSecond;
        this.burstBytes = burstBytes;
        this.nanoClock = nanoClock;
        this.last = nanoClock.getAsLong();
        this.level = burstBytes;
    }

    /** The default burst for a rate: a tenth of a second of traffic, at least 64 KiB. */
    public static long defaultBurst(long bytesPerSecond) {
        return Math.max(bytesPerSecond / 10, 64 * 1024);
    }

    /** Takes {@code bytes}; returns the nanoseconds to wait before sending them (0 when covered). */
    public long reserve(int bytes) {
        long now = nanoClock.getAsLong();
        level = Math.min(burstBytes, level + (now - last) * (double) bytesPerSecond / NANOS_PER_SECOND);
        last = now;
        level -= bytes;
        return level >= 0 ? 0 : (long) Math.ceil(-level * NANOS_PER_SECOND / bytesPerSecond);
    }

    public long bytesPerSecond() { return bytesPerSecond; }
}
