package dev.vireo.riscv.platform.rtc;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class GoldfishRtcTest {
    private final AtomicLong host = new AtomicLong(0x1234_5678_9ABC_DEF0L);
    private final AtomicBoolean irq = new AtomicBoolean();
    private final GoldfishRtc rtc = new GoldfishRtc(irq::set, host::get);

    private long time() {
        long low = rtc.read(GoldfishRtc.TIME_LOW, 4);
        return rtc.read(GoldfishRtc.TIME_HIGH, 4) << 32 | low;
    }

    @Test
    void readingLowLatchesHigh() {
        long low = rtc.read(GoldfishRtc.TIME_LOW, 4);
        host.addAndGet(1L << 32);
        assertThat(rtc.read(GoldfishRtc.TIME_HIGH, 4)).isEqualTo(0x1234_5678L);
        assertThat(low).isEqualTo(0x9ABC_DEF0L);
    }

    @Test
    void guestCanSetTheTime() {
        rtc.write(GoldfishRtc.TIME_HIGH, 4, 0);
        rtc.write(GoldfishRtc.TIME_LOW, 4, 1000);
        host.addAndGet(5);
        assertThat(time()).isEqualTo(1005);
    }

    @Test
    void alarmInThePastInterruptsWhenEnabledUntilCleared() {
        rtc.write(GoldfishRtc.IRQ_ENABLED, 4, 1);
        rtc.write(GoldfishRtc.ALARM_HIGH, 4, 0);
        rtc.write(GoldfishRtc.ALARM_LOW, 4, 1);
        assertThat(irq).isTrue();
        assertThat(rtc.read(GoldfishRtc.ALARM_STATUS, 4)).isZero();
        rtc.write(GoldfishRtc.CLEAR_INTERRUPT, 4, 1);
        assertThat(irq).isFalse();
    }

    @Test
    void alarmInTheFutureFiresLater() throws Exception {
        rtc.write(GoldfishRtc.IRQ_ENABLED, 4, 1);
        long at = host.get() + 20_000_000L;
        rtc.write(GoldfishRtc.ALARM_HIGH, 4, at >>> 32);
        rtc.write(GoldfishRtc.ALARM_LOW, 4, at & 0xFFFF_FFFFL);
        assertThat(rtc.read(GoldfishRtc.ALARM_STATUS, 4)).isEqualTo(1);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!irq.get() && System.nanoTime() < deadline) Thread.sleep(5);
        assertThat(irq).isTrue();
        rtc.close();
    }
}
