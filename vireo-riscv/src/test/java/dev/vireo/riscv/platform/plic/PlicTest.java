package dev.vireo.riscv.platform.plic;

import dev.vireo.machine.irq.InterruptLine;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PlicTest {
    private final boolean[] out = new boolean[4];
    private final Plic plic = new Plic(List.of(l -> out[0] = l, l -> out[1] = l, l -> out[2] = l, l -> out[3] = l));

    private void priority(int source, int value) { plic.write(4L * source, 4, value); }

    private void enable(int context, int source) {
        long at = Plic.ENABLE_BASE + Plic.ENABLE_STRIDE * context + 4L * (source / 32);
        plic.write(at, 4, plic.read(at, 4) | 1L << (source % 32));
    }

    private void threshold(int context, int value) { plic.write(Plic.CONTEXT_BASE + Plic.CONTEXT_STRIDE * context, 4, value); }

    private int claim(int context) { return (int) plic.read(Plic.CONTEXT_BASE + Plic.CONTEXT_STRIDE * context + 4, 4); }

    private void complete(int context, int source) { plic.write(Plic.CONTEXT_BASE + Plic.CONTEXT_STRIDE * context + 4, 4, source); }

    @Test
    void enabledSourceAboveThresholdInterruptsItsContextOnly() {
        InterruptLine uart = plic.source(10);
        priority(10, 1);
        enable(1, 10);
        uart.raise();
        assertThat(out).containsExactly(false, true, false, false);
        assertThat(plic.read(Plic.PENDING_BASE, 4)).isEqualTo(1L << 10);
    }

    @Test
    void priorityZeroOrAtThresholdNeverInterrupts() {
        plic.source(3).raise();
        enable(0, 3);
        assertThat(out[0]).isFalse();
        priority(3, 2);
        assertThat(out[0]).isTrue();
        threshold(0, 2);
        assertThat(out[0]).isFalse();
        assertThat(claim(0)).isZero();
        threshold(0, 1);
        assertThat(out[0]).isTrue();
    }

    @Test
    void claimReturnsHighestPriorityThenLowestId() {
        for (int s : new int[] {5, 7, 9}) {
            enable(0, s);
            plic.source(s).raise();
        }
        priority(5, 1);
        priority(7, 3);
        priority(9, 3);
        assertThat(claim(0)).isEqualTo(7);
        assertThat(claim(0)).isEqualTo(9);
        assertThat(claim(0)).isEqualTo(5);
        assertThat(claim(0)).isZero();
        assertThat(out[0]).isFalse();
    }

    @Test
    void levelGatewayRepostsAStillHighLineOnCompletion() {
        InterruptLine line = plic.source(1);
        priority(1, 1);
        enable(0, 1);
        line.raise();
        assertThat(claim(0)).isEqualTo(1);
        assertThat(out[0]).isFalse();
        complete(0, 1);
        assertThat(out[0]).isTrue();
        assertThat(claim(0)).isEqualTo(1);
        line.lower();
        complete(0, 1);
        assertThat(out[0]).isFalse();
        assertThat(claim(0)).isZero();
    }

    @Test
    void claimedSourceIsNotPendingAgainUntilCompleted() {
        InterruptLine line = plic.source(2);
        priority(2, 1);
        enable(0, 2);
        line.raise();
        claim(0);
        line.lower();
        line.raise();
        assertThat(claim(0)).isZero();
        complete(0, 2);
        assertThat(claim(0)).isEqualTo(2);
    }

    @Test
    void completionForASourceNotEnabledInTheContextIsIgnored() {
        InterruptLine line = plic.source(4);
        priority(4, 1);
        enable(0, 4);
        line.raise();
        assertThat(claim(0)).isEqualTo(4);
        complete(1, 4);
        assertThat(claim(0)).isZero();
        complete(0, 4);
        assertThat(claim(0)).isEqualTo(4);
    }

    @Test
    void lineDroppedBeforeClaimIsNoLongerPending() {
        InterruptLine line = plic.source(6);
        priority(6, 1);
        enable(2, 6);
        line.raise();
        assertThat(out[2]).isTrue();
        line.lower();
        assertThat(out[2]).isFalse();
        assertThat(claim(2)).isZero();
    }

    @Test
    void sourceZeroCannotBeEnabledAndPrioritiesAreThreeBits() {
        plic.write(Plic.ENABLE_BASE, 4, 0xFFFF_FFFFL);
        assertThat(plic.read(Plic.ENABLE_BASE, 4)).isEqualTo(0xFFFF_FFFEL);
        priority(8, 0xFF);
        assertThat(plic.read(4 * 8, 4)).isEqualTo(7);
    }
}
