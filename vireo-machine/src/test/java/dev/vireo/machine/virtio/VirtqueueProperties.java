package dev.vireo.machine.virtio;

import dev.vireo.machine.memory.GuestMemory;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Virtqueue#pop} on random descriptor tables, without threads, many tries: it either
 * throws {@link VirtqueueException} or returns a chain that satisfies every promise of
 * {@link DescriptorChain} — never any other exception.
 */
class VirtqueueProperties {
    private static final long RAM = 0x8000_0000L, RAM_SIZE = 1 << 20, RAM_END = RAM + RAM_SIZE;
    private static final long DESC = RAM, AVAIL = RAM + 0x1000, USED = RAM + 0x2000, INDIRECT = RAM + 0x3000;
    private static final int SIZE = 8;
    private static GuestMemory memory;

    record Descriptor(long address, int length, int flags, int next) {}

    @BeforeContainer
    static void allocate() { memory = GuestMemory.allocate(RAM, RAM_SIZE); }

    @AfterContainer
    static void free() { memory.close(); }

    @Provide
    Arbitrary<Descriptor> descriptor() {
        Arbitrary<Long> address = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.longs().between(RAM, RAM_END)),
                Tuple.of(2, Arbitraries.longs()),
                Tuple.of(2, Arbitraries.of(INDIRECT, 0L, -1L, RAM_END - 16, RAM - 16)));
        Arbitrary<Integer> length = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.of(0, 1, 16, 32, 64, 128, 4096)),
                Tuple.of(3, Arbitraries.integers().between(0, 1 << 20)),
                Tuple.of(2, Arbitraries.integers()));
        Arbitrary<Integer> flags = Arbitraries.frequencyOf(
                Tuple.of(9, Arbitraries.integers().between(0, 7)),
                Tuple.of(1, Arbitraries.integers().between(0, 0xFFFF)));
        Arbitrary<Integer> next = Arbitraries.frequencyOf(
                Tuple.of(9, Arbitraries.integers().between(0, SIZE)),
                Tuple.of(1, Arbitraries.integers().between(0, 0xFFFF)));
        return Combinators.combine(address, length, flags, next).as(Descriptor::new);
    }

    private static void write(long table, int i, Descriptor d) {
        long at = table + 16L * i;
        memory.writeLong(at, d.address());
        memory.writeInt(at + 8, d.length());
        memory.writeShort(at + 12, (short) d.flags());
        memory.writeShort(at + 14, (short) d.next());
    }

    @Property(tries = 1500)
    void popThrowsOnlyVirtqueueExceptionAndOtherwiseKeepsItsPromises(
            @ForAll @Size(SIZE) List<@From("descriptor") Descriptor> table,
            @ForAll @Size(SIZE) List<@From("descriptor") Descriptor> indirect,
            @ForAll @IntRange(max = SIZE + 2) int head,
            @ForAll @IntRange(max = 0xFFFF) int availIndex,
            @ForAll boolean negotiateIndirect) {
        Virtqueue queue = new Virtqueue(0, SIZE);
        queue.setDescriptorTable(DESC);
        queue.setAvailRing(AVAIL);
        queue.setUsedRing(USED);
        long features = VirtioFeatures.bit(VirtioFeatures.VERSION_1)
                | (negotiateIndirect ? VirtioFeatures.bit(VirtioFeatures.INDIRECT_DESC) : 0);
        queue.activate(memory, features);
        for (int i = 0; i < SIZE; i++) {
            write(DESC, i, table.get(i));
            write(INDIRECT, i, indirect.get(i));
        }
        for (int i = 0; i < SIZE; i++) memory.writeShort(AVAIL + 4 + 2L * i, (short) head);
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
                if (chain.isWritable(i)) writable += length;
                else {
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
