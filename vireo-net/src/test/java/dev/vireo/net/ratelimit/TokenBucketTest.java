package dev.vireo.net.ratelimit;

import dev.vireo.machine.net.FrameLink;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenBucketTest {
    @Test
    void aFullBucketPassesItsBurstThenMakesTheSenderWaitForTheRate() {
        AtomicLong now = new AtomicLong(0);
        TokenBucket bucket = new TokenBucket(1_000_000, 10_000, now::get); // 1 MB/s, 10 kB burst
        assertThat(bucket.reserve(10_000)).isZero();
        assertThat(bucket.reserve(1_000)).as("1 kB of debt at 1 MB/s").isEqualTo(1_000_000);
        now.addAndGet(1_000_000);
        assertThat(bucket.reserve(500)).isEqualTo(500_000);
        now.addAndGet(10_000_000_000L); // a long idle time refills only up to the burst
        assertThat(bucket.reserve(10_000)).isZero();
        assertThat(bucket.reserve(1)).isPositive();
    }

    @Test
    void overALongRunTheAverageIsTheRate() {
        AtomicLong now = new AtomicLong(0);
        TokenBucket bucket = new TokenBucket(2 << 20, 64 << 10, now::get);
        long bytes = 0;
        for (int i = 0; i < 10_000; i++) {
            now.addAndGet(bucket.reserve(1514));
            bytes += 1514;
        }
        double seconds = now.get() / 1e9;
        assertThat(bytes / seconds).isBetween(0.99 * (2 << 20), 1.05 * (2 << 20) + (64 << 10) / seconds);
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new TokenBucket(0, 1, System::nanoTime)).hasMessageContaining("rate");
        assertThatThrownBy(() -> new RateLimitedLink(null, 1000)).hasMessageContaining("minimum 64K");
    }

    /** Real time: 1 MiB each way through a 2 MiB/s limit takes at least (1 MiB - the burst) / 2 MiB/s. */
    @Test
    void aRateLimitedLinkHoldsBothDirectionsToTheRate() throws Exception {
        class Loop implements FrameLink {
            Receiver receiver;
            @Override public void start(Receiver r) { receiver = r; }
            @Override public boolean send(byte[] f, int o, int l) { return true; }
            @Override public String describe() { return "loop"; }
            @Override public void close() { }
        }
        Loop inner = new Loop();
        RateLimitedLink link = new RateLimitedLink(inner, 2 << 20);
        AtomicLong received = new AtomicLong();
        link.start((f, o, l) -> received.addAndGet(l));
        byte[] frame = new byte[1024];
        long start = System.nanoTime();
        for (int i = 0; i < 1024; i++) assertThat(link.send(frame, 0, frame.length)).isTrue();
        double txSeconds = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        for (int i = 0; i < 1024; i++) inner.receiver.receive(frame, 0, frame.length);
        double rxSeconds = (System.nanoTime() - start) / 1e9;
        double floor = ((1 << 20) - TokenBucket.defaultBurst(2 << 20)) / (double) (2 << 20); // 0.4 s
        assertThat(txSeconds).as("transmit").isGreaterThanOrEqualTo(floor * 0.95);
        assertThat(rxSeconds).as("receive").isGreaterThanOrEqualTo(floor * 0.95);
        assertThat(received.get()).isEqualTo(1 << 20);
        assertThat(link.describe()).isEqualTo("loop, rate 2097152 B/s each way");
    }
}
