package dev.vireo.image.qcow2;

import dev.vireo.image.ImageException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The refcount table and refcount blocks (qcow2.txt, "Host cluster management"): how many
 * references each host cluster has, and the allocator built on them. Entries are
 * {@code 1 << refcount_order} bits wide, big-endian; narrower than a byte they are packed
 * least-significant bits first.
 *
 * <p>Crash ordering: an allocation's refcount update is written and flushed before the
 * caller writes anything that points at the cluster, and a new refcount block is flushed
 * before the table entry that points at it. A kill -9 at any moment therefore leaves
 * refcounts at least as high as the references: leaks, never corruption.
 */
final class Refcounts {
    private final FileChannel channel;
    private final Qcow2Header header;
    private final String name;
    private final boolean unsafe;
    private final int clusterSize;
    private final int bits;
    private final long clustersPerBlock;
    private final long maxRefcount;
    private final ClusterCache blocks;
    private long[] table;
    private long freeHint = 1;
    private long reserveStart, reserveEnd;
    private final int reserveClusters, reserveMax;
    private int reserveNext;
    private long frees;
    private long frontier;

    Refcounts(FileChannel channel, Qcow2Header header, String name, boolean unsafe) throws IOException {
        this.channel = channel;
        this.header = header;
        this.name = name;
        this.unsafe = unsafe;
        this.clusterSize = header.clusterSize();
        this.bits = 1 << header.refcountOrder;
        this.clustersPerBlock = clusterSize * 8L / bits;
        this.maxRefcount = bits == 64 ? Long.MAX_VALUE : (1L << bits) - 1;
        this.blocks = new ClusterCache(channel, clusterSize, Math.max(2, Math.min(32, (1 << 20) / clusterSize)));
        this.reserveClusters = Math.max(1, Math.min(256, (2 << 20) / clusterSize));
        this.reserveMax = Math.max(reserveClusters, Math.min(8192, (64 << 20) / clusterSize));
        this.reserveNext = reserveClusters;
        int entries = (int) Math.min(Integer.MAX_VALUE - 8, (long) header.refcountTableClusters * clusterSize / 8);
        byte[] raw = new byte[entries * 8];
        ClusterCache.readFully(channel, raw, header.refcountTableOffset);
        // One bulk conversion, not a VarHandle get per entry: the table is a whole cluster
        // (8,192 entries at 64 KiB), read when every image opens, while the code still runs
        // interpreted (a VarHandle access interpreted: about 1 µs).
        table = new long[entries];
        ByteBuffer.wrap(raw).asLongBuffer().get(table);
        long fileClusters = (channel.size() + clusterSize - 1) / clusterSize;
        for (int i = 0; i < entries; i++) {
            long e = table[i] & ~511L;
            if ((e & (clusterSize - 1)) != 0 || e < 0 || e > (1L << 56))
                throw Qcow2Header.corrupt(name, "refcount block " + i + " at 0x" + Long.toHexString(e) + " is not a valid cluster offset; restore the image from a backup or salvage it with 'qemu-img convert'");
            table[i] = e;
        }
        this.frontier = fileClusters;
    }

    int bits() { return bits; }

    /** Counts clusters freed so far: a cached "cluster still mine" assumption is stale when it changes. */
    long frees() { return frees; }

    long clustersPerBlock() { return clustersPerBlock; }

    long maxRefcount() { return maxRefcount; }

    int tableEntries() { return table.length; }

    long blockOffset(int index) { return table[index]; }

    /** First cluster index past every allocation and the end of the file. */
    long frontier() throws IOException {
        return Math.max(frontier, (channel.size() + clusterSize - 1) / clusterSize);
    }

    long get(long cluster) throws IOException {
        long ti = cluster / clustersPerBlock;
        if (ti >= table.length || table[(int) ti] == 0) return 0;
        return entry(blocks.get(table[(int) ti]), (int) (cluster % clustersPerBlock));
    }

    private long entry(byte[] b, int i) {
        return switch (bits) {
            case 1, 2, 4 -> (b[i * bits >>> 3] >>> ((i * bits) & 7)) & ((1 << bits) - 1);
            case 8 -> b[i] & 0xffL;
            case 16 -> (short) ClusterCache.SHORT.get(b, i * 2) & 0xffffL;
            case 32 -> (int) ClusterCache.INT.get(b, i * 4) & 0xffffffffL;
            default -> (long) ClusterCache.LONG.get(b, i * 8);
        };
    }

    /** Sets the entry in {@code b} and returns the byte range [from, from+len) that changed, packed as from<<8|len. */
    private long setEntry(byte[] b, int i, long v) {
        switch (bits) {
            case 1, 2, 4 -> {
                int at = i * bits >>> 3, shift = (i * bits) & 7, mask = ((1 << bits) - 1) << shift;
                b[at] = (byte) ((b[at] & ~mask) | ((int) v << shift & mask));
                return (long) at << 8 | 1;
            }
            case 8 -> { b[i] = (byte) v; return (long) i << 8 | 1; }
            case 16 -> { ClusterCache.SHORT.set(b, i * 2, (short) v); return (long) i * 2 << 8 | 2; }
            case 32 -> { ClusterCache.INT.set(b, i * 4, (int) v); return (long) i * 4 << 8 | 4; }
            default -> { ClusterCache.LONG.set(b, i * 8, v); return (long) i * 8 << 8 | 8; }
        }
    }

    /** Adds {@code delta} to the refcount of each cluster in [cluster, cluster+count); blocks must exist. */
    void add(long cluster, long count, long delta) throws IOException {
        if (cluster < 0 || count < 0 || (cluster + count) / clustersPerBlock >= (1 << 26))
            throw Qcow2Header.corrupt(name, "a reference points at cluster " + cluster + ", beyond any plausible image size; run 'vireo img check'");
        for (long c = cluster; c < cluster + count; ) {
            long ti = c / clustersPerBlock;
            if (ti >= table.length || table[(int) ti] == 0) {
                if (delta < 0) throw Qcow2Header.corrupt(name, "freeing cluster " + c + " which has no refcount block; run 'vireo img check -r all'");
                ensureBlock((int) ti);
            }
            long blockOffset = table[(int) ti];
            byte[] b = blocks.get(blockOffset);
            int first = (int) (c % clustersPerBlock);
            int last = (int) Math.min(clustersPerBlock, first + (cluster + count - c));
            int lo = Integer.MAX_VALUE, hi = 0;
            for (int i = first; i < last; i++) {
                long v = entry(b, i) + delta;
                if (v < 0) throw Qcow2Header.corrupt(name, "refcount of cluster " + (ti * clustersPerBlock + i) + " would go negative; run 'vireo img check -r all'");
                if (v > maxRefcount || (bits == 64 && v < 0))
                    throw new ImageException("refcount overflow in '" + name + "': refcount_bits=" + bits
                            + " cannot count " + v + " references; convert with -o refcount_bits=16");
                long r = setEntry(b, i, v);
                lo = Math.min(lo, (int) (r >>> 8));
                hi = Math.max(hi, (int) (r >>> 8) + (int) (r & 0xff));
                if (v == 0) {
                    freeHint = Math.min(freeHint, ti * clustersPerBlock + i);
                    frees++;
                }
            }
            ClusterCache.writeFully(channel, b, lo, hi - lo, blockOffset + lo);
            c = ti * clustersPerBlock + last;
        }
        long end = cluster + count;
        if (delta > 0 && end > frontier) frontier = end;
    }

    /**
     * Allocates {@code count} contiguous clusters with refcount 1 (durable unless unsafe);
     * returns the host offset. Small allocations come from a reserve taken ahead with one
     * refcount write and one flush: a crash leaves the unused reserve as leaked clusters,
     * which the ordering rules allow, and saves a flush on most allocations. The reserve
     * doubles at each refill, from 2 MiB up to 64 MiB of clusters, so that a guest streaming
     * writes into fresh clusters pays a handful of flushes rather than one per 2 MiB.
     */
    long allocate(int count) throws IOException {
        if (count <= reserveEnd - reserveStart) {
            long start = reserveStart;
            reserveStart += count;
            return start * clusterSize;
        }
        releaseReserve();
        int want = Math.max(count, reserveNext);
        reserveNext = Math.min(reserveMax, reserveNext * 2);
        long offset = allocateDurably(want);
        reserveStart = offset / clusterSize + count;
        reserveEnd = offset / clusterSize + want;
        return offset;
    }

    /** Gives back the unused reserve (at close, and before a consistency check). */
    void releaseReserve() throws IOException {
        if (reserveEnd > reserveStart) add(reserveStart, reserveEnd - reserveStart, -1);
        reserveStart = reserveEnd = 0;
    }

    private long allocateDurably(int count) throws IOException {
        while (true) {
            long start = findFree(count);
            boolean created = false;
            for (long ti = start / clustersPerBlock; ti <= (start + count - 1) / clustersPerBlock; ti++) {
                if (ti >= table.length || table[(int) ti] == 0) {
                    ensureBlock((int) ti);
                    created = true;
                }
            }
            if (created) continue; // the new block may have taken part of the run
            add(start, count, 1);
            if (start == freeHint) freeHint = start + count;
            sync();
            return start * clusterSize;
        }
    }

    /** Drops one reference from each cluster of [offset, offset+count clusters). */
    void release(long offset, int count) throws IOException {
        add(offset / clusterSize, count, -1);
    }

    private long findFree(int count) throws IOException {
        long run = 0, start = freeHint;
        for (long c = freeHint; ; c++) {
            if (get(c) == 0) {
                if (run++ == 0) start = c;
                if (run == count) return start;
            } else {
                run = 0;
                if (c == freeHint) freeHint = c + 1;
            }
        }
    }

    private void ensureBlock(int ti) throws IOException {
        if (ti >= table.length) growTable(ti);
        if (table[ti] != 0) return;
        long free = findFree(1);
        long offset;
        byte[] block = new byte[clusterSize];
        if (free / clustersPerBlock == ti) { // the block describes itself
            offset = free * clusterSize;
            setEntry(block, (int) (free % clustersPerBlock), 1);
            if (free >= frontier) frontier = free + 1;
        } else {
            offset = allocateDurably(1);
        }
        ClusterCache.writeFully(channel, block, 0, clusterSize, offset);
        sync();
        blocks.put(offset, block);
        table[ti] = offset;
        writeLong(header.refcountTableOffset + 8L * ti, offset);
        sync();
    }

    /**
     * Moves the refcount table to a larger copy at the end of the file, with new refcount
     * blocks covering the new table and themselves, then switches the header over in one write.
     */
    private void growTable(int minIndex) throws IOException {
        long perCluster = clusterSize / 8;
        long start = frontier();
        int tableClusters = (int) Math.max(header.refcountTableClusters * 2L, (minIndex + perCluster) / perCluster);
        List<Long> newBlocks = new ArrayList<>();
        while (true) {
            long end = start + newBlocks.size() + tableClusters;
            List<Long> needed = new ArrayList<>();
            for (long ti = start / clustersPerBlock; ti <= (end - 1) / clustersPerBlock; ti++)
                if (ti >= table.length || table[(int) ti] == 0) needed.add(ti);
            long maxTi = Math.max(minIndex, needed.isEmpty() ? 0 : needed.getLast());
            int wantClusters = (int) Math.max(tableClusters, (maxTi + perCluster) / perCluster);
            if (needed.size() == newBlocks.size() && wantClusters == tableClusters) { newBlocks = needed; break; }
            newBlocks = needed;
            tableClusters = wantClusters;
        }
        long end = start + newBlocks.size() + tableClusters;
        long[] newTable = java.util.Arrays.copyOf(table, (int) (tableClusters * perCluster));
        byte[][] contents = new byte[newBlocks.size()][];
        for (int i = 0; i < newBlocks.size(); i++) {
            contents[i] = new byte[clusterSize];
            newTable[(int) (long) newBlocks.get(i)] = (start + i) * clusterSize;
        }
        for (long c = start; c < end; c++) {
            long ti = c / clustersPerBlock;
            int k = newBlocks.indexOf(ti);
            if (k >= 0) setEntry(contents[k], (int) (c % clustersPerBlock), 1);
            else add(c, 1, 1);
        }
        for (int i = 0; i < contents.length; i++) {
            ClusterCache.writeFully(channel, contents[i], 0, clusterSize, (start + i) * clusterSize);
            blocks.put((start + i) * clusterSize, contents[i]);
        }
        ByteBuffer t = ByteBuffer.allocate(tableClusters * clusterSize);
        for (long e : newTable) t.putLong(e);
        t.flip();
        long tableOffset = (start + newBlocks.size()) * clusterSize;
        while (t.hasRemaining()) channel.write(t, tableOffset + t.position());
        sync();
        long oldOffset = header.refcountTableOffset;
        int oldClusters = header.refcountTableClusters;
        ByteBuffer h = ByteBuffer.allocate(12).putLong(tableOffset).putInt(tableClusters).flip();
        while (h.hasRemaining()) channel.write(h, 48 + h.position());
        sync();
        header.refcountTableOffset = tableOffset;
        header.refcountTableClusters = tableClusters;
        table = newTable;
        frontier = Math.max(frontier, end);
        release(oldOffset, oldClusters);
    }

    void writeLong(long position, long value) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8).putLong(0, value);
        while (b.hasRemaining()) channel.write(b, position + b.position());
    }

    void sync() throws IOException {
        if (!unsafe) channel.force(false);
    }

    void invalidateCache() { blocks.clear(); }
}
