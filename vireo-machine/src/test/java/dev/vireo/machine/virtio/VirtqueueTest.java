package dev.vireo.machine.virtio;

import dev.vireo.machine.memory.GuestMemory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Chain validation and ring bookkeeping of {@link Virtqueue}, driven directly (no transport). */
class VirtqueueTest {
    private static final long RAM = 0x8000_0000L;
    private static final int SIZE = 8;
    private static GuestMemory memory;
    private static final long DESC = RAM, AVAIL = RAM + 0x1000, USED = RAM + 0x2000, DATA = RAM + 0x10000;
    private Virtqueue queue;
    private final DescriptorChain chain = new DescriptorChain(SIZE);

    @BeforeAll
    static void allocate() { memory = GuestMemory.allocate(RAM, 1 << 20); }

    @AfterAll
    static void free() { memory.close(); }

    @BeforeEach
    void setUp() {
        memory.segment().fill((byte) 0);
        queue = new Virtqueue(0, SIZE);
        queue.setDescriptorTable(DESC);
        queue.setAvailRing(AVAIL);
        queue.setUsedRing(USED);
        assertThat(queue.validateLayout(memory)).isNull();
        queue.activate(memory, VirtioFeatures.CORE);
    }

    private static void desc(long table, int i, long address, int length, int flags, int next) {
        long d = table + 16L * i;
        memory.writeLong(d, address);
        memory.writeInt(d + 8, length);
        memory.writeShort(d + 12, (short) flags);
        memory.writeShort(d + 14, (short) next);
    }

    private static void avail(int... heads) {
        for (int k = 0; k < heads.length; k++) memory.writeShort(AVAIL + 4 + 2L * k, (short) heads[k]);
        memory.writeShort(AVAIL + 2, (short) heads.length);
    }

    @Test
    void returnsNothingWhenAvailIndexIsUnchanged() throws Exception {
        assertThat(queue.pop(chain)).isFalse();
    }

    @Test
    void flattensDirectChainReadableFirst() throws Exception {
        desc(DESC, 0, DATA, 16, Virtqueue.DESC_F_NEXT, 3);
        desc(DESC, 3, DATA + 512, 512, Virtqueue.DESC_F_NEXT | Virtqueue.DESC_F_WRITE, 5);
        desc(DESC, 5, DATA + 1024, 1, Virtqueue.DESC_F_WRITE, 0);
        avail(0);
        assertThat(queue.pop(chain)).isTrue();
        assertThat(chain.head()).isZero();
        assertThat(chain.count()).isEqualTo(3);
        assertThat(chain.readableBytes()).isEqualTo(16);
        assertThat(chain.writableBytes()).isEqualTo(513);
        assertThat(chain.address(2)).isEqualTo(DATA + 1024);
        assertThat(queue.pop(chain)).isFalse();
    }

    @Test
    void resolvesIndirectTable() throws Exception {
        long table = DATA + 0x8000;
        desc(table, 0, DATA, 16, Virtqueue.DESC_F_NEXT, 1);
        desc(table, 1, DATA + 64, 100, Virtqueue.DESC_F_WRITE, 0);
        desc(DESC, 2, table, 32, Virtqueue.DESC_F_INDIRECT, 0);
        avail(2);
        assertThat(queue.pop(chain)).isTrue();
        assertThat(chain.head()).isEqualTo(2);
        assertThat(chain.count()).isEqualTo(2);
        assertThat(chain.writableBytes()).isEqualTo(100);
    }

    @Test
    void rejectsDescriptorLoop() {
        desc(DESC, 0, DATA, 1, Virtqueue.DESC_F_NEXT, 1);
        desc(DESC, 1, DATA, 1, Virtqueue.DESC_F_NEXT, 0);
        avail(0);
        assertThatThrownBy(() -> queue.pop(chain)).isInstanceOf(VirtqueueException.class).hasMessageContaining("loop");
    }

    @Test
    void rejectsLoopInsideIndirectTable() {
        long table = DATA + 0x8000;
        desc(table, 0, DATA, 1, Virtqueue.DESC_F_NEXT, 1);
        desc(table, 1, DATA, 1, Virtqueue.DESC_F_NEXT, 0);
        desc(DESC, 0, table, 32, Virtqueue.DESC_F_INDIRECT, 0);
        avail(0);
        assertThatThrownBy(() -> queue.pop(chain)).isInstanceOf(VirtqueueException.class).hasMessageContaining("longer than");
    }

    @Test
    void rejectsIndirectInsideIndirect() {
        long table = DATA + 0x8000;
        desc(table, 0, table, 16, Virtqueue.DESC_F_INDIRECT, 0);
        desc(DESC, 0, table, 16, Virtqueue.DESC_F_INDIRECT, 0);
        avail(0);
        assertThatThrownBy(() -> queue.pop(chain)).hasMessageContaining("indirect descriptor inside");
    }

    @Test
    void rejectsIndirectWithNext() {
        desc(DESC, 0, DATA, 16, Virtqueue.DESC_F_INDIRECT | Virtqueue.DESC_F_NEXT, 1);
        avail(0);
        assertThatThrownBy(() -> queue.pop(chain)).hasMessageContaining("both INDIRECT and NEXT");
    }

    @Test
    void rejectsIndirectWhenNotNegotiated() {
        queue.activate(memory, VirtioFeatures.bit(VirtioFeatures.VERSION_1));
        desc(DESC, 0, DATA, 16, Virtqueue.DESC_F_INDIRECT, 0);
        avail(0);
        assertThatThrownBy(() -> queue.pop(chain)).hasMessageContaining("without VIRTIO_F_INDIRECT_DESC");
    }

    @Test
    void rejectsIndirectTableWithBadLength() {
        desc(DESC, 0, DATA, 20, Virtqueue.DESC_F_INDIRECT, 0);
        avail(0);
        assertThatThrownBy(() -> queue.pop(chain)).hasMessageContaining("multiple of 16");
    }

    @Test
    void rejectsReadableAfterWritable() {
        desc(DESC, 0, DATA, 1, Virtqueue.DESC_F_NEXT | Virtqueue.DESC_F_WRITE, 1);
        desc(DESC, 1, DATA, 1, 0, 0);
        avail(0);
        assertThatThrownBy(() -> queue.pop(chain)).hasMessageContaining("readable buffer after");
    }

    @Test
    void rejectsBufferOutsideRam() {
        desc(DESC, 0, RAM + (1 << 20) - 4, 8, 0, 0);
        avail(0);
        assertThatThrownBy(() -> queue.pop(chain)).hasMessageContaining("outside RAM");
    }

    @Test
    void rejectsBufferWrappingAddressSpace() {
        desc(DESC, 0, -16L, 0xFFFF_FFF0, 0, 0);
        avail(0);
        assertThatThrownBy(() -> queue.pop(chain)).hasMessageContaining("outside RAM");
    }

    @Test
    void rejectsChainWhoseLengthsSumPastTwoGibibytes() {
        // A small RAM cannot hold such buffers, so point them all at the same whole-RAM buffer
        // in a bigger memory.
        try (GuestMemory big = GuestMemory.allocate(RAM, 1L << 31)) {
            Virtqueue q = new Virtqueue(0, SIZE);
            q.setDescriptorTable(RAM);
            q.setAvailRing(RAM + 0x1000);
            q.setUsedRing(RAM + 0x2000);
            q.activate(big, VirtioFeatures.CORE);
            for (int i = 0; i < 3; i++) {
                long d = RAM + 16L * i;
                big.writeLong(d, RAM);
                big.writeInt(d + 8, 0x7FFF_0000);
                big.writeShort(d + 12, (short) (i < 2 ? Virtqueue.DESC_F_NEXT : 0));
                big.writeShort(d + 14, (short) (i + 1));
            }
            big.writeShort(RAM + 0x1000 + 2, (short) 1);
            assertThatThrownBy(() -> q.pop(new DescriptorChain(SIZE))).hasMessageContaining("more than 2 GiB");
        }
    }

    @Test
    void rejectsHeadOutOfRange() {
        avail(SIZE);
        assertThatThrownBy(() -> queue.pop(chain)).hasMessageContaining("head descriptor");
    }

    @Test
    void rejectsNextOutOfRange() {
        desc(DESC, 0, DATA, 1, Virtqueue.DESC_F_NEXT, SIZE + 3);
        avail(0);
        assertThatThrownBy(() -> queue.pop(chain)).hasMessageContaining("next descriptor");
    }

    @Test
    void rejectsAvailIndexJumpingPastQueueSize() {
        memory.writeShort(AVAIL + 2, (short) (SIZE + 1));
        assertThatThrownBy(() -> queue.pop(chain)).hasMessageContaining("ahead of");
    }

    @Test
    void acceptsAvailIndexWrapping() throws Exception {
        // Walk the indexes up to 0xFFFF and across the u16 wrap.
        desc(DESC, 0, DATA, 1, 0, 0);
        for (int n = 0; n < 0x10005; n++) {
            memory.writeShort(AVAIL + 4 + 2L * (n % SIZE), (short) 0);
            memory.writeShort(AVAIL + 2, (short) (n + 1));
            assertThat(queue.pop(chain)).isTrue();
            queue.addUsed(0, 0);
        }
        assertThat(queue.lastAvailIndex()).isEqualTo(5);
        assertThat(memory.readShort(USED + 2) & 0xFFFF).isEqualTo(5);
    }

    @Test
    void rejectsMisplacedRings() {
        Virtqueue q = new Virtqueue(1, SIZE);
        q.setDescriptorTable(DESC + 8);
        q.setAvailRing(AVAIL);
        q.setUsedRing(USED);
        assertThat(q.validateLayout(memory)).contains("misaligned");
        q.setDescriptorTable(RAM + (1 << 20) - 16);
        assertThat(q.validateLayout(memory)).contains("outside RAM");
        q.setDescriptorTable(DESC);
        q.setSize(6);
        assertThat(q.validateLayout(memory)).contains("power of two");
    }

    @Test
    void needsEventFollowsSpecFormula() {
        // §2.7.10: notify iff event in (old, new].
        assertThat(Virtqueue.needsEvent(4, 5, 4)).isTrue();
        assertThat(Virtqueue.needsEvent(5, 5, 4)).isFalse();
        assertThat(Virtqueue.needsEvent(3, 5, 4)).isFalse();
        assertThat(Virtqueue.needsEvent(0xFFFF, 1, 0xFFFE)).isTrue();
    }

    @Test
    void eventIndexSuppressesInterruptsUntilUsedEventPasses() throws Exception {
        desc(DESC, 0, DATA, 1, 0, 0);
        memory.writeShort(AVAIL + 4 + 2L * SIZE, (short) 2); // used_event: interrupt when used idx passes 2
        int interrupts = 0;
        for (int n = 0; n < 4; n++) {
            memory.writeShort(AVAIL + 2, (short) (n + 1));
            assertThat(queue.pop(chain)).isTrue();
            queue.addUsed(0, 0);
            if (queue.needsInterrupt()) {
                interrupts++;
                assertThat(queue.usedIndex()).isEqualTo(3);
            }
        }
        assertThat(interrupts).isEqualTo(1);
    }

    @Test
    void enableNotificationsPublishesAvailEvent() throws Exception {
        desc(DESC, 0, DATA, 1, 0, 0);
        avail(0, 0);
        while (queue.pop(chain)) queue.addUsed(0, 0);
        assertThat(queue.enableNotifications()).isFalse();
        assertThat(memory.readShort(USED + 4 + 8L * SIZE)).isEqualTo((short) 2);
        memory.writeShort(AVAIL + 2, (short) 3);
        assertThat(queue.enableNotifications()).isTrue();
    }

    @Test
    void withoutEventIndexUsesRingFlags() throws Exception {
        queue.activate(memory, VirtioFeatures.bit(VirtioFeatures.VERSION_1));
        queue.disableNotifications();
        assertThat(memory.readShort(USED)).isEqualTo((short) Virtqueue.USED_F_NO_NOTIFY);
        assertThat(queue.enableNotifications()).isFalse();
        assertThat(memory.readShort(USED)).isZero();
        desc(DESC, 0, DATA, 1, 0, 0);
        avail(0);
        queue.pop(chain);
        queue.addUsed(0, 0);
        memory.writeShort(AVAIL, (short) Virtqueue.AVAIL_F_NO_INTERRUPT);
        assertThat(queue.needsInterrupt()).isFalse();
        memory.writeShort(AVAIL, (short) 0);
        assertThat(queue.needsInterrupt()).isTrue();
    }
}
