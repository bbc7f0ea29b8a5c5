package dev.vireo.image.qcow2;

import dev.vireo.image.ImageException;
import dev.vireo.image.Preallocation;
import dev.vireo.image.raw.FileSpace;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

import static dev.vireo.image.qcow2.Qcow2Image.ALL_ALLOCATED;
import static dev.vireo.image.qcow2.Qcow2Image.ALL_ZERO;
import static dev.vireo.image.qcow2.Qcow2Image.COMPRESSED;
import static dev.vireo.image.qcow2.Qcow2Image.COPIED;
import static dev.vireo.image.qcow2.Qcow2Image.OFFSET_MASK;
import static dev.vireo.image.qcow2.Qcow2Image.ZERO;

/**
 * The write paths of a {@link Qcow2Image}: in-place writes to clusters it owns alone
 * (COPIED), allocation with copy-on-write of partial clusters (from the backing chain,
 * a compressed cluster or a cluster shared with a snapshot), copy-on-write of shared L2
 * tables, zeroing/discard, compressed writes and growth of the L1 table.
 * Every path follows the order documented on {@link Qcow2Image}.
 */
final class Qcow2Writer {
    private final Qcow2Image img;
    private final Refcounts refcounts;
    private final int clusterSize;
    private final byte[] newTable;
    private final byte[] zeros;
    private final byte[] bulkCluster;
    private long compressedTail, compressedEnd, compressedFrees;

    Qcow2Writer(Qcow2Image img) {
        this.img = img;
        this.refcounts = img.refcounts;
        this.clusterSize = img.clusterSize;
        this.newTable = new byte[clusterSize];
        this.zeros = new byte[clusterSize];
        this.bulkCluster = new byte[clusterSize];
    }

    void write(long position, byte[] buffer, int offset, int length) throws IOException {
        while (length > 0) {
            if ((position & (clusterSize - 1)) == 0 && length >= 2 * clusterSize) {
                int done = writeFreshRun(position, buffer, offset, length, null);
                if (done > 0) {
                    position += done;
                    offset += done;
                    length -= done;
                    continue;
                }
            }
            int n = (int) Math.min(length, clusterSize - (position & (clusterSize - 1)));
            writeInCluster(position, buffer, offset, n);
            position += n;
            offset += n;
            length -= n;
        }
    }

    /**
     * Bulk write from a (direct) buffer: fresh whole-cluster runs go from {@code from} to the
     * file without a copy; other pieces are copied into a heap cluster and take the paths above.
     */
    void write(long position, ByteBuffer from) throws IOException {
        while (from.hasRemaining()) {
            int length = from.remaining();
            if ((position & (clusterSize - 1)) == 0 && length >= 2 * clusterSize) {
                int done = writeFreshRun(position, null, 0, length, from);
                if (done > 0) {
                    position += done;
                    continue;
                }
            }
            int n = (int) Math.min(length, clusterSize - (position & (clusterSize - 1)));
            from.get(bulkCluster, 0, n);
            writeInCluster(position, bulkCluster, 0, n);
            position += n;
        }
    }

    private void writeInCluster(long position, byte[] buffer, int offset, int length) throws IOException {
        long l2Offset = l2ForWrite(l1Index(position));
        byte[] table = img.l2Cache.get(l2Offset);
        int at = entryAt(position);
        long entry = (long) ClusterCache.LONG.get(table, at);
        long host = entry & OFFSET_MASK;
        int inCluster = (int) (position & (clusterSize - 1));
        boolean owned = host != 0 && (entry & COPIED) != 0 && (entry & COMPRESSED) == 0;
        if (owned && !img.extendedL2 && (entry & ZERO) == 0) {
            writeHost(host + inCluster, buffer, offset, length);
            return;
        }
        if (owned && img.extendedL2) {
            writeSubclusters(position, buffer, offset, length, l2Offset, at, host);
            return;
        }
        long newHost = refcounts.allocate(1);
        if (length == clusterSize) {
            writeHost(newHost, buffer, offset, length);
        } else {
            byte[] cluster = img.scratchCluster();
            img.readGuestCluster(position - inCluster, cluster);
            System.arraycopy(buffer, offset, cluster, inCluster, length);
            writeHost(newHost, cluster, 0, clusterSize);
        }
        writeEntry(l2Offset, at, newHost | COPIED, ALL_ALLOCATED);
        dropReference(entry);
    }

    /**
     * Fast path for large writes: whole clusters that hold no host cluster yet (unallocated or
     * zero-flagged) get one contiguous allocation, one data write and one write of their L2
     * entries. Returns the bytes written, 0 if fewer than two clusters qualify. The data comes
     * from {@code buffer} at {@code offset}, or from {@code direct} (advanced) when not null.
     */
    private int writeFreshRun(long position, byte[] buffer, int offset, int length, ByteBuffer direct) throws IOException {
        long l2Offset = l2ForWrite(l1Index(position));
        byte[] table = img.l2Cache.get(l2Offset);
        int first = entryAt(position);
        int perTable = 1 << img.l2Bits;
        int maxClusters = Math.min(length / clusterSize, perTable - first / img.entryBytes);
        int count = 0;
        while (count < maxClusters) {
            int at = first + count * img.entryBytes;
            long e = (long) ClusterCache.LONG.get(table, at);
            if ((e & ~ZERO) != 0) break;
            if (img.extendedL2 && ((long) ClusterCache.LONG.get(table, at + 8) & ALL_ALLOCATED) != 0) break;
            count++;
        }
        if (count < 2) return 0;
        long host = refcounts.allocate(count);
        if (direct == null) {
            writeHost(host, buffer, offset, count * clusterSize);
        } else {
            ByteBuffer part = direct.slice(direct.position(), count * clusterSize);
            while (part.hasRemaining()) img.channel.write(part, host + part.position());
            direct.position(direct.position() + count * clusterSize);
            img.noteWritten(host + (long) count * clusterSize);
        }
        for (int i = 0; i < count; i++) {
            int at = first + i * img.entryBytes;
            ClusterCache.LONG.set(table, at, (host + (long) i * clusterSize) | COPIED);
            if (img.extendedL2) ClusterCache.LONG.set(table, at + 8, ALL_ALLOCATED);
        }
        ClusterCache.writeFully(img.channel, table, first, count * img.entryBytes, l2Offset + first);
        return count * clusterSize;
    }

    /** In an owned cluster with subclusters: fills partial unallocated edge subclusters first. */
    private void writeSubclusters(long position, byte[] buffer, int offset, int length, long l2Offset, int at, long host) throws IOException {
        long bitmap = (long) ClusterCache.LONG.get(img.l2Cache.get(l2Offset), at + 8);
        int sub = img.subclusterSize;
        int inCluster = (int) (position & (clusterSize - 1));
        int first = inCluster / sub, last = (inCluster + length - 1) / sub;
        int from = first * sub, to = (last + 1) * sub;
        boolean partialEdge = ((bitmap >>> first & 1) == 0 && inCluster != from)
                || ((bitmap >>> last & 1) == 0 && inCluster + length != to);
        if (partialEdge) {
            byte[] cluster = img.scratchCluster();
            long clusterStart = position - inCluster;
            int avail = (int) Math.min(to - from, img.size() - clusterStart - from);
            img.read(clusterStart + from, cluster, from, avail);
            Arrays.fill(cluster, from + avail, to, (byte) 0);
            System.arraycopy(buffer, offset, cluster, inCluster, length);
            writeHost(host + from, cluster, from, to - from);
        } else {
            writeHost(host + inCluster, buffer, offset, length);
        }
        long mask = (last == 31 ? 0xffff_ffffL : (1L << (last + 1)) - 1) & ~((1L << first) - 1);
        long updated = (bitmap | mask) & ~(mask << 32);
        if (updated != bitmap) writeEntry(l2Offset, at, (long) ClusterCache.LONG.get(img.l2Cache.get(l2Offset), at), updated);
    }

    /** The L2 table for {@code l1Index}, allocated or copied (if shared with a snapshot) as needed. */
    long l2ForWrite(int l1Index) throws IOException {
        if (l1Index >= img.l1.length) throw new ImageException("L1 index " + l1Index + " is beyond the L1 table of '" + img.name + "'; run 'vireo img check'");
        long e = img.l1[l1Index];
        long old = e & OFFSET_MASK;
        if (old != 0 && (e & COPIED) != 0) return old;
        long fresh = refcounts.allocate(1);
        if (old == 0) {
            Arrays.fill(newTable, (byte) 0);
        } else {
            System.arraycopy(img.l2Cache.get(old), 0, newTable, 0, clusterSize);
            for (int i = 0; i < clusterSize; i += img.entryBytes)
                ClusterCache.LONG.set(newTable, i, (long) ClusterCache.LONG.get(newTable, i) & ~COPIED);
        }
        writeHost(fresh, newTable, 0, clusterSize);
        img.l2Cache.put(fresh, newTable);
        refcounts.sync();
        img.l1[l1Index] = fresh | COPIED;
        refcounts.writeLong(img.header.l1TableOffset + 8L * l1Index, fresh | COPIED);
        if (old != 0) {
            refcounts.sync();
            refcounts.release(old, 1);
        }
        return fresh;
    }

    void writeEntry(long l2Offset, int at, long entry, long bitmap) throws IOException {
        byte[] table = img.l2Cache.get(l2Offset);
        ClusterCache.LONG.set(table, at, entry);
        if (img.extendedL2) ClusterCache.LONG.set(table, at + 8, bitmap);
        ClusterCache.writeFully(img.channel, table, at, img.entryBytes, l2Offset + at);
    }

    /** After the entry that replaced {@code oldEntry} is durable, drops the reference it held. */
    private void dropReference(long oldEntry) throws IOException {
        if ((oldEntry & COMPRESSED) != 0) {
            long[] range = img.compressedRange(oldEntry);
            long first = range[0] / clusterSize, last = (range[0] + range[1] - 1) / clusterSize;
            refcounts.sync();
            refcounts.add(first, last - first + 1, -1);
            img.forgetCompressedCache();
        } else if ((oldEntry & OFFSET_MASK) != 0) {
            refcounts.sync();
            refcounts.release(oldEntry & OFFSET_MASK, 1);
        }
    }

    private void writeHost(long hostOffset, byte[] buffer, int offset, int length) throws IOException {
        ClusterCache.writeFully(img.channel, buffer, offset, length, hostOffset);
        img.noteWritten(hostOffset + length);
    }

    private int l1Index(long position) { return (int) (position >>> (img.clusterBits + img.l2Bits)); }

    private int entryAt(long position) {
        return (int) ((position >>> img.clusterBits) & ((1L << img.l2Bits) - 1)) * img.entryBytes;
    }

    // ---- zeroing and discard ----

    void zero(long position, long length, boolean mayUnmap, boolean discard) throws IOException {
        long end = position + length;
        while (position < end) {
            long clusterStart = position & -(long) clusterSize;
            long clusterEnd = Math.min(clusterStart + clusterSize, img.size());
            long n = Math.min(end, clusterStart + clusterSize) - position;
            if (position == clusterStart && position + n >= clusterEnd) zeroCluster(clusterStart, mayUnmap);
            else if (img.extendedL2) zeroSubclusters(position, (int) n);
            else if (!readsZero(position)) writeInCluster(position, zeros, 0, (int) n);
            position += n;
        }
    }

    /**
     * Extended L2: whole subclusters inside the range become "reads as zero" (alloc bit
     * cleared, zero bit set) without touching data; partial edge subclusters are written with
     * zeros. A compressed cluster is rewritten instead.
     */
    private void zeroSubclusters(long position, int length) throws IOException {
        int sub = img.subclusterSize;
        int inCluster = (int) (position & (clusterSize - 1));
        int first = (inCluster + sub - 1) / sub, end = (inCluster + length) / sub; // whole subclusters [first, end)
        long clusterStart = position - inCluster;
        long l2Offset = l2ForWrite(l1Index(position));
        int at = entryAt(position);
        long entry = (long) ClusterCache.LONG.get(img.l2Cache.get(l2Offset), at);
        if ((entry & COMPRESSED) != 0 || first >= end) {
            writeInCluster(position, zeros, 0, length);
            return;
        }
        long bitmap = (long) ClusterCache.LONG.get(img.l2Cache.get(l2Offset), at + 8);
        long mask = (end == 32 ? 0xffff_ffffL : (1L << end) - 1) & ~((1L << first) - 1);
        long updated = (bitmap & ~mask) | (mask << 32);
        if (updated != bitmap) writeEntry(l2Offset, at, entry, updated);
        int head = Math.min(length, first * sub - inCluster);
        if (head > 0) writeInCluster(position, zeros, 0, head);
        int tail = inCluster + length - end * sub;
        if (tail > 0) writeInCluster(clusterStart + (long) end * sub, zeros, 0, tail);
    }

    private boolean readsZero(long position) throws IOException {
        long l2 = img.l1[l1Index(position)] & OFFSET_MASK;
        if (l2 == 0) return img.backing == null;
        long entry = (long) ClusterCache.LONG.get(img.l2Cache.get(l2), entryAt(position));
        if (img.extendedL2) return false;
        return (entry & ZERO) != 0 && img.header.version >= 3 || (entry == 0 && img.backing == null);
    }

    private void zeroCluster(long clusterStart, boolean mayUnmap) throws IOException {
        int l1Index = l1Index(clusterStart);
        if ((img.l1[l1Index] & OFFSET_MASK) == 0 && img.backing == null) return;
        boolean v2 = img.header.version < 3;
        long l2Offset = l2ForWrite(l1Index);
        int at = entryAt(clusterStart);
        long entry = (long) ClusterCache.LONG.get(img.l2Cache.get(l2Offset), at);
        long host = entry & OFFSET_MASK;
        boolean owned = host != 0 && (entry & COPIED) != 0 && (entry & COMPRESSED) == 0;
        if (!mayUnmap && owned) {
            if (v2) writeHost(host, zeros, 0, clusterSize);
            else if (img.extendedL2) writeEntry(l2Offset, at, entry, ALL_ZERO);
            else writeEntry(l2Offset, at, entry | ZERO, 0);
            return;
        }
        if (img.backing != null && v2) {
            writeInCluster(clusterStart, zeros, 0, clusterSize);
            return;
        }
        long newEntry = img.backing == null || img.extendedL2 ? 0 : ZERO;
        long newBitmap = img.backing == null ? 0 : ALL_ZERO;
        long oldBitmap = img.extendedL2 ? (long) ClusterCache.LONG.get(img.l2Cache.get(l2Offset), at + 8) : 0;
        if (newEntry == entry && newBitmap == oldBitmap) return;
        writeEntry(l2Offset, at, newEntry, newBitmap);
        dropReference(entry);
    }

    // ---- compressed writes (convert -c) ----

    void writeCompressed(long position, byte[] cluster, Compression compression) throws IOException {
        byte[] out = new byte[clusterSize - 1];
        int n = compression.compress(cluster, out);
        if (n < 0) {
            write(position, cluster, 0, (int) Math.min(clusterSize, img.size() - position));
            return;
        }
        long l2Offset = l2ForWrite(l1Index(position));
        int at = entryAt(position);
        long old = (long) ClusterCache.LONG.get(img.l2Cache.get(l2Offset), at);
        long offset;
        // Pack into the current compressed cluster only if nothing was freed since it was
        // allocated: a freed cluster may have been handed out again for other data.
        if (compressedTail != 0 && compressedTail + n <= compressedEnd && refcounts.frees() == compressedFrees
                && refcounts.get(compressedTail / clusterSize) < refcounts.maxRefcount()) {
            offset = compressedTail;
            refcounts.add(offset / clusterSize, 1, 1);
            refcounts.sync();
        } else {
            offset = refcounts.allocate(1);
            compressedEnd = offset + clusterSize;
            compressedFrees = refcounts.frees();
        }
        compressedTail = (offset + n + 511) & ~511L;
        writeHost(offset, out, 0, n);
        writeEntry(l2Offset, at, img.compressedEntry(offset, n), 0);
        dropReference(old);
    }

    // ---- growth and preallocation ----

    void resize(long newSize) throws IOException {
        if (newSize < img.size()) throw new ImageException("shrinking qcow2 image '" + img.name
                + "' is not supported; create a smaller image and 'vireo img convert' into it");
        long perL1 = (long) clusterSize << img.l2Bits;
        int needed = (int) ((newSize + perL1 - 1) / perL1);
        ByteBuffer h;
        if (needed > img.l1.length) {
            int clusters = (int) (((long) needed * 8 + clusterSize - 1) / clusterSize);
            long offset = refcounts.allocate(clusters);
            long[] table = Arrays.copyOf(img.l1, needed);
            ByteBuffer t = ByteBuffer.allocate(clusters * clusterSize);
            for (long e : table) t.putLong(e);
            t.clear();
            while (t.hasRemaining()) img.channel.write(t, offset + t.position());
            refcounts.sync();
            long oldOffset = img.header.l1TableOffset;
            int oldClusters = (int) (((long) img.l1.length * 8 + clusterSize - 1) / clusterSize);
            h = ByteBuffer.allocate(24).putLong(0, newSize).putInt(12, needed).putLong(16, offset);
            while (h.hasRemaining()) img.channel.write(h, 24 + h.position());
            refcounts.sync();
            img.header.l1TableOffset = offset;
            img.header.l1Size = needed;
            img.l1 = table;
            if (oldOffset != 0 && oldClusters > 0) refcounts.release(oldOffset, oldClusters);
        } else {
            refcounts.writeLong(24, newSize);
        }
        img.header.size = newSize;
        refcounts.sync();
    }

    /** Maps every guest cluster to a host cluster (metadata), reserving (falloc) or zeroing (full) the data. */
    void preallocate(Preallocation mode) throws IOException {
        long clusters = (img.size() + clusterSize - 1) / clusterSize;
        int perTable = 1 << img.l2Bits;
        try (FileSpace space = mode == Preallocation.FALLOC ? FileSpace.open(img.path) : null) {
            for (long c = 0; c < clusters; c += perTable) {
                int count = (int) Math.min(perTable, clusters - c);
                long l2Offset = l2ForWrite((int) (c / perTable));
                long data = refcounts.allocate(count);
                byte[] table = img.l2Cache.get(l2Offset);
                for (int i = 0; i < count; i++) {
                    ClusterCache.LONG.set(table, i * img.entryBytes, (data + (long) i * clusterSize) | COPIED);
                    if (img.extendedL2) ClusterCache.LONG.set(table, i * img.entryBytes + 8, ALL_ALLOCATED);
                }
                long bytes = (long) count * clusterSize;
                switch (mode) {
                    case FULL -> { for (long p = 0; p < bytes; p += clusterSize) writeHost(data + p, zeros, 0, clusterSize); }
                    case FALLOC -> {
                        if (space == null || !space.allocate(data, bytes))
                            for (long p = 0; p < bytes; p += clusterSize) writeHost(data + p, zeros, 0, clusterSize);
                    }
                    case METADATA, OFF -> { }
                }
                ClusterCache.writeFully(img.channel, table, 0, clusterSize, l2Offset);
                if (img.channel.size() < data + bytes) img.channel.write(ByteBuffer.allocate(1), data + bytes - 1);
            }
        }
        refcounts.sync();
    }
}
