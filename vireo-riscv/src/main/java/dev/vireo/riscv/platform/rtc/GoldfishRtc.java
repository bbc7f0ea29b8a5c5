package dev.vireo.riscv.platform.rtc;

import dev.vireo.machine.bus.MmioDevice;
import dev.vireo.machine.irq.InterruptLine;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Google's goldfish real-time clock (Android emulator, QEMU virt; Linux
 * drivers/rtc/rtc-goldfish.c): nanoseconds since the Unix epoch in two 32-bit halves, and
 * a one-shot alarm.
 *
 * <pre>
 * 0x00 TIME_LOW   read: latches TIME_HIGH; write: sets the low half of the time
 * 0x04 TIME_HIGH  read: latched high half; write: sets the high half (write before LOW)
 * 0x08 ALARM_LOW  write: arms the alarm at (ALARM_HIGH &lt;&lt; 32 | value)
 * 0x0C ALARM_HIGH
 * 0x10 IRQ_ENABLED
 * 0x14 CLEAR_ALARM
 * 0x18 ALARM_STATUS
 * 0x1C CLEAR_INTERRUPT
 * </pre>
 *
 * Threads: vCPU threads access the registers; an armed alarm fires on a lazily created
 * daemon timer thread. State is guarded by this object's monitor.
 */
public final class GoldfishRtc implements MmioDevice, AutoCloseable {
    public static final long WINDOW_SIZE = 0x1000;
    static final int TIME_LOW = 0x00, TIME_HIGH = 0x04, ALARM_LOW = 0x08, ALARM_HIGH = 0x0C,
            IRQ_ENABLED = 0x10, CLEAR_ALARM = 0x14, ALARM_STATUS = 0x18, CLEAR_INTERRUPT = 0x1C;

    private final InterruptLine irq;
    private final LongSupplier hostNanos;
    private long offsetNanos;
    private int latchedHigh;
    private int timeHighWrite, alarmHigh;
    private boolean irqEnabled, alarmArmed, interruptPending;
    private ScheduledExecutorService timer;
    private ScheduledFuture<?> alarm;

    public GoldfishRtc(InterruptLine irq) {
        this(irq, () -> {
            java.time.Instant now = java.time.Instant.now();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        });
    }

    /** @param hostNanos the host's wall clock in nanoseconds since the epoch (tests fake it) */
    GoldfishRtc(InterruptLine irq, LongSupplier hostNanos) {
        this.irq = irq;
        this.hostNanos = hostNanos;
    }

    private long now() {
        return hostNanos.getAsLong() + offsetNanos;
    }

    @Override
    public synchronized long read(long offset, int size) {
        return switch ((int) offset) {
            case TIME_LOW -> {
                long t = now();
                latchedHigh = (int) (t >>> 32);
                yield t & 0xFFFFFFFFL;
            }
            case TIME_HIGH -> latchedHigh & 0xFFFFFFFFL;
            case ALARM_HIGH -> alarmHigh & 0xFFFFFFFFL;
            case IRQ_ENABLED -> irqEnabled ? 1 : 0;
            case ALARM_STATUS -> alarmArmed ? 1 : 0;
            default -> 0;
        } & 0xFFFFFFFFL;
    }

    @Override
    public synchronized void write(long offset, int size, long value) {
        int v = (int) value;
        switch ((int) offset) {
            case TIME_HIGH -> timeHighWrite = v;
            case TIME_LOW -> offsetNanos = ((long) timeHighWrite << 32 | (v & 0xFFFFFFFFL)) - hostNanos.getAsLong();
            case ALARM_HIGH -> alarmHigh = v;
            case ALARM_LOW -> arm((long) alarmHigh << 32 | (v & 0xFFFFFFFFL));
            case IRQ_ENABLED -> {
                irqEnabled = (v & 1) != 0;
                updateIrq();
            }
            case CLEAR_ALARM -> disarm();
            case CLEAR_INTERRUPT -> {
                interruptPending = false;
                updateIrq();
            }
            default -> { }
        }
    }

    private void arm(long atNanos) {
        disarm();
        alarmArmed = true;
        long delay = atNanos - now();
        if (delay <= 0) {
            fire();
            return;
        }
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("vireo-rtc-alarm").unstarted(r));
        }
        alarm = timer.schedule(this::fire, delay, TimeUnit.NANOSECONDS);
    }

    private void disarm() {
        alarmArmed = false;
        if (alarm != null) alarm.cancel(false);
        alarm = null;
    }

    private synchronized void fire() {
        if (!alarmArmed) return;
        alarmArmed = false;
        interruptPending = true;
        updateIrq();
    }

    private void updateIrq() {
        irq.set(irqEnabled && interruptPending);
    }

    @Override
    public synchronized void close() {
        disarm();
        if (timer != null) timer.shutdownNow();
    }
}
