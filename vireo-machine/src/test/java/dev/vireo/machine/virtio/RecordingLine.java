package dev.vireo.machine.virtio;

import dev.vireo.machine.irq.InterruptLine;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** An interrupt line that remembers its level and counts rising edges. */
public final class RecordingLine implements InterruptLine {
    private final AtomicBoolean level = new AtomicBoolean();
    private final AtomicInteger rises = new AtomicInteger();
    private final AtomicInteger raiseCalls = new AtomicInteger();

    @Override
    public void set(boolean high) {
        if (high) raiseCalls.incrementAndGet();
        if (high && !level.getAndSet(true)) rises.incrementAndGet();
        if (!high) level.set(false);
    }

    public boolean level() { return level.get(); }

    public int rises() { return rises.get(); }

    /** Every set(true), edge or not: one per interrupt the device decided to send. */
    public int raiseCalls() { return raiseCalls.get(); }
}
