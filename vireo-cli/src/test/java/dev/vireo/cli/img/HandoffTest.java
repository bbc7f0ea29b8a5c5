package dev.vireo.cli.img;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The reader-to-writer hand-off of convert: order kept, the producer held back when full, interrupts honoured. */
class HandoffTest {
    @Test
    void passesItemsInOrderAndHoldsTheProducerBackWhenFull() throws Exception {
        Handoff<Integer> handoff = new Handoff<>(2);
        List<Integer> got = new ArrayList<>();
        Thread producer = Thread.ofPlatform().start(() -> {
            try {
                for (int i = 0; i < 1000; i++) handoff.put(i);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        for (int i = 0; i < 1000; i++) got.add(handoff.take());
        producer.join();
        assertThat(got).hasSize(1000).isSorted();
        assertThat(got.getLast()).isEqualTo(999);
    }

    @Test
    void anInterruptedThreadGetsInterruptedExceptionWhetherItWouldWaitOrNot() throws Exception {
        Handoff<String> handoff = new Handoff<>(1);
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> handoff.put("a")).isInstanceOf(InterruptedException.class); // room, but interrupted
        handoff.put("a");
        Thread waiting = Thread.ofPlatform().start(() -> {
            try {
                handoff.put("b"); // full: waits until interrupted
                throw new AssertionError("put into a full hand-off returned");
            } catch (InterruptedException expected) {
                // what close() relies on to stop the reader
            }
        });
        Thread.sleep(50);
        waiting.interrupt();
        waiting.join(5000);
        assertThat(waiting.isAlive()).isFalse();
        assertThat(handoff.take()).isEqualTo("a");
    }
}
