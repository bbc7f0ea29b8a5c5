package dev.vireo.machine.virtio;

import dev.vireo.machine.memory.GuestMemory;

import java.util.random.RandomGenerator;

/**
 * Random descriptor-table material for the hostile-guest tests (seeded loops in plain JUnit):
 * mostly plausible values inside a given RAM window, with a steady share of garbage —
 * addresses anywhere in the 64-bit space or just past RAM, lengths up to 4 GiB, unknown
 * flag bits, next indexes past the table.
 */
final class RandomDescriptors {
    record Descriptor(long address, int length, int flags, int next) {
        void writeTo(GuestMemory memory, long table, int index) {
            long at = table + 16L * index;
            memory.writeLong(at, address);
            memory.writeInt(at + 8, length);
            memory.writeShort(at + 12, (short) flags);
            memory.writeShort(at + 14, (short) next);
        }
    }

    private final RandomGenerator random;
    private final long dataStart, dataEnd, ramStart, ramEnd;
    private final long[] specialAddresses;
    private final int queueSize;

    RandomDescriptors(RandomGenerator random, long dataStart, long dataEnd, long ramStart, long ramEnd, int queueSize,
                      long... specialAddresses) {
        this.random = random;
        this.dataStart = dataStart;
        this.dataEnd = dataEnd;
        this.ramStart = ramStart;
        this.ramEnd = ramEnd;
        this.queueSize = queueSize;
        this.specialAddresses = specialAddresses;
    }

    private static final int[] LENGTHS = {0, 1, 16, 32, 48, 64, 512, 513, 4096};

    Descriptor next() {
        int pick = random.nextInt(10);
        long address;
        if (pick < 6) address = random.nextLong(dataStart, dataEnd);
        else if (pick < 8) address = random.nextLong();
        else {
            long[] edges = {0, ramStart - 1, ramStart - 16, ramEnd - 8, ramEnd, -1, -16};
            int k = random.nextInt(edges.length + specialAddresses.length);
            address = k < edges.length ? edges[k] : specialAddresses[k - edges.length];
        }
        pick = random.nextInt(10);
        int length = pick < 5 ? LENGTHS[random.nextInt(LENGTHS.length)]
                : pick < 8 ? random.nextInt(1 << 16) : random.nextInt();
        int flags = random.nextInt(10) < 9 ? random.nextInt(8) : random.nextInt(0x10000);
        int next = random.nextInt(10) < 9 ? random.nextInt(queueSize + 1) : random.nextInt(0x10000);
        return new Descriptor(address, length, flags, next);
    }

    /** An avail index: usually within one queue of the start, sometimes anything. */
    int availIndex() {
        return random.nextInt(10) < 7 ? random.nextInt(queueSize + 1) : random.nextInt(0x10000);
    }
}
