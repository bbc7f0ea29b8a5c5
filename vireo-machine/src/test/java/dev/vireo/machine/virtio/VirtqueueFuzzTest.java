package dev.vireo.machine.virtio;

import dev.vireo.machine.memory.GuestMemory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Virtqueue#pop} on random descriptor tables (seeded loops; a failure names its seed),
 * without threads: it either throws {@link VirtqueueException} or returns a chain that keeps
 * every promise of {@link DescriptorChain} — never any other exception.
 */
class VirtqueueFuzzTest {
    private static final long RAM = 0x8000_0000L, RAM_SIZE = 1 << 20, RAM_END = RAM + RAM_SIZE;
    private static final long DESC = RAM, AVAIL = RAM + 0x1000, USED = RAM + 0x2000, INDIRECT = RAM + 0x3000;
    private static final int SIZE = 8, ITERATIONS = 3000;
    private static GuestMemory memory;

    @BeforeAll
    static void allocate() { memory = GuestMemory.allocate(RAM, RAM_SIZE); }

    @AfterAll
    static void free() { memory.close(); }

    @Test
    void popThrowsOnlyVirtqueueExceptionAndOtherwiseKeepsItsPromises() {
        for (long seed = 0; seed < ITERATIONS; seed++) {
            try {
                popOnce(seed);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + seed + ": " + e, e);
            }
        }
    }

    private void popOnce(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        RandomDescriptors generator = new RandomDescriptors(random, RAM, RAM_END, RAM, RAM_END, SIZE, INDIRECT);
        Virtqueue queue = new Virtqueue(0, SIZE);
        queue.setDescriptorTable(DESC);
        queue.setAvailRing(AVAIL);
        queue.setUsedRing(USED);
        boolean indirect = random.nextBoolean();
        queue.activate(memory, VirtioFeatures.bit(VirtioFeatures.VERSION_1) | (indirect ? VirtioFeatures.bit(VirtioFeatures.INDIRECT_DESC) : 0));
        for (int i = 0; i < SIZE; i++) {
            generator.next().writeTo(memory, DESC, i);
            generator.next().writeTo(memory, INDIRECT, i);
        }
        int head = random.nextInt(SIZE + 3);
        for (int i = 0; i < SIZE; i++) memory.writeShort(AVAIL + 4 + 2L * i, (short) head);
        int availIndex = generator.availIndex();
        memory.writeShort(AVAIL + 2, (short) availIndex);

        DescriptorChain chain = new DescriptorChain(SIZE);
        try {
            boolean popped = queue.pop(chain);
            assertThat(popped).isEqualTo(availIndex != 0);
            if (!popped) return;
            assertThat(availIndex).isLessThanOrEqualTo(SIZE);
            assertThat(chain.head()).isEqualTo(head).isLessThan(SIZE);
            assertThat(chain.count()).isBetween(1, SIZE);
            long readable = 0, writable = 0;
            for (int i = 0; i < chain.count(); i++) {
                long length = Integer.toUnsignedLong(chain.length(i));
                assertThat(memory.contains(chain.address(i), length)).isTrue();
                if (chain.isWritable(i)) {
                    writable += length;
                } else {
                    assertThat(i).isLessThan(chain.readableCount());
                    readable += length;
                }
            }
            assertThat(chain.readableBytes()).isEqualTo(readable);
            assertThat(chain.writableBytes()).isEqualTo(writable);
        } catch (VirtqueueException expected) {
            assertThat(expected.getMessage()).startsWith("queue 0: ");
        }
    }
}
