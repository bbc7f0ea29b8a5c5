package dev.vireo.image.qcow2;

import dev.vireo.image.ImageException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.vireo.image.qcow2.Qcow2Image.COMPRESSED;
import static dev.vireo.image.qcow2.Qcow2Image.COPIED;
import static dev.vireo.image.qcow2.Qcow2Image.OFFSET_MASK;

/**
 * Internal snapshots: a snapshot is a copy of the active L1 table plus one more reference on
 * every L2 table and data cluster it reaches. Writes to shared clusters then copy on write
 * (their entries lose the COPIED flag, which is set exactly when the refcount is 1).
 *
 * <p>Ordering: references are added (and flushed) before anything points at the clusters,
 * and dropped only after nothing does, so a crash leaves leaks at worst.
 */
public final class Qcow2Snapshots {
    private final Qcow2Image img;

    public Qcow2Snapshots(Qcow2Image img) { this.img = img; }

    public List<Snapshot> list() throws IOException {
        Qcow2Header h = img.header;
        List<Snapshot> out = new ArrayList<>();
        long p = h.snapshotsOffset;
        if (h.snapshotCount > 65536) throw Qcow2Header.corrupt(img.name, "nb_snapshots " + h.snapshotCount + " is implausible");
        for (int i = 0; i < h.snapshotCount; i++) {
            ByteBuffer f = read(p, 40);
            int idSize = f.getShort(12) & 0xffff, nameSize = f.getShort(14) & 0xffff;
            int extraSize = f.getInt(36);
            if (extraSize < 0 || extraSize > 1024) throw Qcow2Header.corrupt(img.name, "snapshot " + i + " has extra_data_size " + extraSize);
            ByteBuffer rest = read(p + 40, extraSize + idSize + nameSize);
            byte[] extra = new byte[extraSize];
            rest.get(0, extra);
            long diskSize = extraSize >= 16 ? rest.getLong(8) : -1;
            long vmState = extraSize >= 8 ? rest.getLong(0) : f.getInt(32) & 0xffffffffL;
            String id = str(rest, extraSize, idSize), name = str(rest, extraSize + idSize, nameSize);
            long l1 = f.getLong(0);
            int l1Size = f.getInt(8);
            if ((l1 & (img.clusterSize - 1)) != 0 || l1Size < 0)
                throw Qcow2Header.corrupt(img.name, "snapshot '" + name + "' has an invalid L1 table");
            out.add(new Snapshot(id, name, l1, l1Size, f.getInt(16) & 0xffffffffL, f.getInt(20), f.getLong(24), vmState, diskSize, extra));
            p += (40L + extraSize + idSize + nameSize + 7) & ~7L;
        }
        return out;
    }

    private static String str(ByteBuffer b, int at, int len) {
        byte[] s = new byte[len];
        b.get(at, s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private ByteBuffer read(long at, int len) throws IOException {
        byte[] b = new byte[len];
        if (at + len > img.fileSize()) throw Qcow2Header.corrupt(img.name, "snapshot table lies beyond the end of the file");
        ClusterCache.readFully(img.channel, b, at);
        return ByteBuffer.wrap(b);
    }

    public Snapshot find(String nameOrId) throws IOException {
        for (Snapshot s : list()) if (s.name().equals(nameOrId)) return s;
        for (Snapshot s : list()) if (s.id().equals(nameOrId)) return s;
        throw new ImageException("snapshot '" + nameOrId + "' does not exist in '" + img.name + "'; list them with 'vireo img snapshot -l'");
    }

    /** Takes an internal snapshot of the active layer. */
    public Snapshot create(String name) throws IOException {
        img.writer(); // fails with a clear message when read-only
        Refcounts rc = img.refcounts;
        List<Snapshot> all = new ArrayList<>(list());
        for (Snapshot s : all) if (s.name().equals(name))
            throw new ImageException("snapshot '" + name + "' already exists in '" + img.name + "'; delete it first or pick another name");
        int nextId = 1;
        for (Snapshot s : all) try { nextId = Math.max(nextId, Integer.parseInt(s.id()) + 1); } catch (NumberFormatException ignored) { }
        img.flush();
        checkRoomForOneMoreReference(img.l1);
        // Clear COPIED before adding references: a crash in between leaves entries that copy
        // on write needlessly (data safe; 'check -r all' restores the flags), never entries
        // that would overwrite clusters the snapshot shares.
        clearCopiedFlags();
        rc.sync();
        updateTree(img.l1, 1);
        int clusters = l1Clusters(img.l1.length);
        long l1Copy = rc.allocate(clusters);
        writeL1(l1Copy, img.l1, clusters, true);
        rc.sync();
        Instant now = Instant.now();
        byte[] extra = ByteBuffer.allocate(16).putLong(0).putLong(img.size()).array();
        Snapshot s = new Snapshot(Integer.toString(nextId), name, l1Copy, img.l1.length, now.getEpochSecond(), now.getNano(), 0, 0, img.size(), extra);
        all.add(s);
        writeTable(all);
        fixCopiedFlags(img);
        return s;
    }

    /** Makes the active layer a copy of {@code nameOrId} (its size included). */
    public void apply(String nameOrId) throws IOException {
        Snapshot s = find(nameOrId);
        img.contentWriter(); // fails with a clear message when read-only
        Refcounts rc = img.refcounts;
        img.flush();
        long[] snapL1 = img.readL1(s.l1TableOffset(), s.l1Size());
        checkRoomForOneMoreReference(snapL1);
        updateTree(snapL1, 1);
        rc.sync();
        int clusters = l1Clusters(snapL1.length);
        long newL1 = rc.allocate(clusters);
        writeL1(newL1, snapL1, clusters, true);
        rc.sync();
        long size = s.diskSize() >= 0 ? s.diskSize() : img.size();
        ByteBuffer h = ByteBuffer.allocate(24).putLong(0, size).putInt(12, snapL1.length).putLong(16, newL1);
        while (h.hasRemaining()) img.channel.write(h, 24 + h.position());
        rc.sync();
        long[] oldL1 = img.l1;
        long oldOffset = img.header.l1TableOffset;
        img.l1 = snapL1;
        for (int i = 0; i < snapL1.length; i++) img.l1[i] &= ~COPIED;
        img.header.l1TableOffset = newL1;
        img.header.l1Size = snapL1.length;
        img.header.size = size;
        updateTree(oldL1, -1);
        if (oldL1.length > 0) rc.release(oldOffset, l1Clusters(oldL1.length));
        rc.sync();
        img.l2Cache.clear();
        img.forgetCompressedCache();
        fixCopiedFlags(img);
    }

    public void delete(String nameOrId) throws IOException {
        Snapshot s = find(nameOrId);
        img.writer(); // fails with a clear message when read-only
        Refcounts rc = img.refcounts;
        img.flush();
        List<Snapshot> all = new ArrayList<>(list());
        all.removeIf(x -> x.id().equals(s.id()) && x.name().equals(s.name()));
        writeTable(all);
        updateTree(img.readL1(s.l1TableOffset(), s.l1Size()), -1);
        if (s.l1Size() > 0) rc.release(s.l1TableOffset(), l1Clusters(s.l1Size()));
        rc.sync();
        img.forgetCompressedCache();
        fixCopiedFlags(img);
    }

    private int l1Clusters(int entries) { return Math.max(1, (int) (((long) entries * 8 + img.clusterSize - 1) / img.clusterSize)); }

    private void writeL1(long offset, long[] l1, int clusters, boolean clearCopied) throws IOException {
        ByteBuffer t = ByteBuffer.allocate(clusters * img.clusterSize);
        for (long e : l1) t.putLong(clearCopied ? e & ~COPIED : e);
        t.clear();
        while (t.hasRemaining()) img.channel.write(t, offset + t.position());
    }

    /** Fails before anything is written if some cluster of the tree is already at the refcount maximum. */
    private void checkRoomForOneMoreReference(long[] l1) throws IOException {
        Refcounts rc = img.refcounts;
        long max = rc.maxRefcount();
        byte[] table = new byte[img.clusterSize];
        for (long e : l1) {
            long l2 = e & OFFSET_MASK;
            if (l2 == 0) continue;
            boolean full = rc.get(l2 / img.clusterSize) >= max;
            ClusterCache.readFully(img.channel, table, l2);
            for (int i = 0; i < img.clusterSize && !full; i += img.entryBytes) {
                long entry = (long) ClusterCache.LONG.get(table, i);
                long host = (entry & COMPRESSED) != 0 ? img.compressedRange(entry)[0] : entry & OFFSET_MASK;
                if (host != 0 && rc.get(host / img.clusterSize) >= max) full = true;
            }
            if (full) throw new ImageException("'" + img.name + "' has refcount_bits=" + rc.bits()
                    + ", too narrow for another snapshot; convert it with 'vireo img convert -O qcow2 -o refcount_bits=16'");
        }
    }

    /** Adds {@code delta} references to every L2 table and data cluster reachable from {@code l1}. */
    void updateTree(long[] l1, int delta) throws IOException {
        Refcounts rc = img.refcounts;
        byte[] table = new byte[img.clusterSize];
        long fileSize = img.fileSize();
        for (long e : l1) {
            long l2 = e & OFFSET_MASK;
            if (l2 == 0) continue;
            if (l2 + img.clusterSize > fileSize)
                throw Qcow2Header.corrupt(img.name, "L2 table at 0x" + Long.toHexString(l2) + " lies beyond the end of the file; run 'vireo img check'");
            ClusterCache.readFully(img.channel, table, l2);
            for (int i = 0; i < img.clusterSize; i += img.entryBytes) {
                long entry = (long) ClusterCache.LONG.get(table, i);
                if ((entry & COMPRESSED) != 0) {
                    long[] r = img.compressedRange(entry);
                    long first = r[0] / img.clusterSize, last = (r[0] + r[1] - 1) / img.clusterSize;
                    rc.add(first, last - first + 1, delta);
                } else if ((entry & OFFSET_MASK) != 0) {
                    if ((entry & OFFSET_MASK) >= fileSize)
                        throw Qcow2Header.corrupt(img.name, "data cluster at 0x" + Long.toHexString(entry & OFFSET_MASK) + " lies beyond the end of the file; run 'vireo img check'");
                    rc.add((entry & OFFSET_MASK) / img.clusterSize, 1, delta);
                }
            }
            rc.add(l2 / img.clusterSize, 1, delta);
        }
    }

    private void writeTable(List<Snapshot> all) throws IOException {
        Refcounts rc = img.refcounts;
        ByteBuffer t = ByteBuffer.allocate(all.stream().mapToInt(s -> 48 + s.extraData().length
                + s.id().getBytes(StandardCharsets.UTF_8).length + s.name().getBytes(StandardCharsets.UTF_8).length).sum() + 8);
        for (Snapshot s : all) {
            byte[] id = s.id().getBytes(StandardCharsets.UTF_8), name = s.name().getBytes(StandardCharsets.UTF_8);
            int start = t.position();
            t.putLong(s.l1TableOffset()).putInt(s.l1Size()).putShort((short) id.length).putShort((short) name.length)
                    .putInt((int) s.dateSeconds()).putInt(s.dateNanos()).putLong(s.vmClockNanos())
                    .putInt((int) Math.min(s.vmStateSize(), 0xffffffffL)).putInt(s.extraData().length)
                    .put(s.extraData()).put(id).put(name);
            t.position(start + ((t.position() - start + 7) & ~7));
        }
        int length = t.position();
        long offset = 0;
        int clusters = (length + img.clusterSize - 1) / img.clusterSize;
        if (length > 0) {
            offset = rc.allocate(clusters);
            t.flip();
            while (t.hasRemaining()) img.channel.write(t, offset + t.position());
            rc.sync();
        }
        long oldOffset = img.header.snapshotsOffset;
        int oldLength = 0;
        for (Snapshot s : list()) oldLength += (40 + s.extraData().length + s.id().getBytes(StandardCharsets.UTF_8).length
                + s.name().getBytes(StandardCharsets.UTF_8).length + 7) & ~7;
        ByteBuffer h = ByteBuffer.allocate(12).putInt(0, all.size()).putLong(4, offset);
        while (h.hasRemaining()) img.channel.write(h, 60 + h.position());
        rc.sync();
        img.header.snapshotCount = all.size();
        img.header.snapshotsOffset = offset;
        if (oldLength > 0) rc.release(oldOffset, (oldLength + img.clusterSize - 1) / img.clusterSize);
    }

    private void clearCopiedFlags() throws IOException {
        for (int i = 0; i < img.l1.length; i++) {
            long l2 = img.l1[i] & OFFSET_MASK;
            if (l2 == 0) continue;
            byte[] table = img.l2Cache.get(l2);
            boolean changed = false;
            for (int at = 0; at < img.clusterSize; at += img.entryBytes) {
                long e = (long) ClusterCache.LONG.get(table, at);
                if ((e & COPIED) != 0) {
                    ClusterCache.LONG.set(table, at, e & ~COPIED);
                    changed = true;
                }
            }
            if (changed) ClusterCache.writeFully(img.channel, table, 0, img.clusterSize, l2);
            if ((img.l1[i] & COPIED) != 0) {
                img.l1[i] &= ~COPIED;
                img.refcounts.writeLong(img.header.l1TableOffset + 8L * i, img.l1[i]);
            }
        }
    }

    /**
     * Sets COPIED on active L1/L2 entries exactly where the refcount is 1. Returns how many entries changed.
     * Entries in L2 tables shared with a snapshot are corrected too (flags only matter on the active path).
     */
    static int fixCopiedFlags(Qcow2Image img) throws IOException {
        Refcounts rc = img.refcounts;
        int changed = 0;
        for (int i = 0; i < img.l1.length; i++) {
            long l2 = img.l1[i] & OFFSET_MASK;
            if (l2 == 0) continue;
            boolean exclusive = rc.get(l2 / img.clusterSize) == 1;
            long want = exclusive ? l2 | COPIED : l2;
            if (want != img.l1[i]) {
                img.l1[i] = want;
                rc.writeLong(img.header.l1TableOffset + 8L * i, want);
                changed++;
            }
            byte[] table = img.l2Cache.get(l2);
            for (int at = 0; at < img.clusterSize; at += img.entryBytes) {
                long e = (long) ClusterCache.LONG.get(table, at);
                if ((e & COMPRESSED) != 0 || (e & OFFSET_MASK) == 0) continue;
                long w = rc.get((e & OFFSET_MASK) / img.clusterSize) == 1 ? e | COPIED : e & ~COPIED;
                if (w != e) {
                    ClusterCache.LONG.set(table, at, w);
                    ClusterCache.writeFully(img.channel, table, at, 8, l2 + at);
                    changed++;
                }
            }
        }
        rc.sync();
        return changed;
    }
}
