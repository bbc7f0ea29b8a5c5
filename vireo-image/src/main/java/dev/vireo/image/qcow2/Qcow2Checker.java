package dev.vireo.image.qcow2;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static dev.vireo.image.qcow2.Qcow2Image.COMPRESSED;
import static dev.vireo.image.qcow2.Qcow2Image.COPIED;
import static dev.vireo.image.qcow2.Qcow2Image.OFFSET_MASK;
import static dev.vireo.image.qcow2.Qcow2Image.ZERO;

/**
 * Consistency check and repair, the way qemu-img does it: rebuild every cluster's refcount in
 * memory from the structures that reference clusters (header, L1 tables of the active layer
 * and snapshots, L2 tables, data and compressed clusters, the snapshot table, the refcount
 * table and blocks) and compare with the on-disk refcounts. Too low is corruption (a cluster
 * could be reallocated under live data); too high is a leak. COPIED flags on the active path
 * must match refcount == 1.
 */
public final class Qcow2Checker {
    public enum Repair { NONE, LEAKS, ALL }

    private final Qcow2Image img;
    private final int cs;
    private long[] references;
    private long corruptions, checkErrors, allocated, fragmented, compressed;
    private final List<String> messages = new ArrayList<>();

    public Qcow2Checker(Qcow2Image img) {
        this.img = img;
        this.cs = img.clusterSize;
    }

    public CheckResult check(Repair repair) throws IOException {
        CheckResult first = scan();
        if (repair == Repair.NONE || first.exitCode() == 0) return first;
        img.writer(); // fails clearly if read-only
        long leaksFixed = 0, corruptionsFixed = 0;
        Refcounts rc = img.refcounts;
        for (long c = 0; c < references.length; c++) {
            long onDisk = rc.get(c), want = references[(int) c];
            if (onDisk > want) {
                rc.add(c, 1, want - onDisk);
                leaksFixed++;
            } else if (onDisk < want && repair == Repair.ALL) {
                rc.add(c, 1, want - onDisk);
                corruptionsFixed++;
            }
        }
        rc.sync();
        if (repair == Repair.ALL) corruptionsFixed += Qcow2Snapshots.fixCopiedFlags(img);
        img.flush();
        CheckResult after = scan();
        List<String> all = new ArrayList<>(first.messages());
        all.addAll(after.messages());
        return new CheckResult(after.corruptions(), after.leaks(), after.checkErrors(), Math.min(corruptionsFixed, first.corruptions()),
                leaksFixed, after.imageEndOffset(), after.totalClusters(), after.allocatedClusters(),
                after.fragmentedClusters(), after.compressedClusters(), all);
    }

    private CheckResult scan() throws IOException {
        if (!img.readOnly) img.refcounts.releaseReserve(); // reserved clusters are not leaks of a live image
        corruptions = checkErrors = allocated = fragmented = compressed = 0;
        messages.clear();
        fileClusters = (img.fileSize() + cs - 1) / cs;
        Refcounts rc = img.refcounts;
        long covered = fileClusters; // refcounts beyond the end of the file count too (leaks)
        for (int i = 0; i < rc.tableEntries(); i++)
            if (rc.blockOffset(i) != 0) covered = Math.max(covered, (i + 1) * rc.clustersPerBlock());
        references = new long[(int) Math.min(fileClusters + (64 << 20), covered)];
        Qcow2Header h = img.header;
        reference(0, cs, "header");
        reference(h.l1TableOffset, (long) h.l1Size * 8, "active L1 table");
        walkL1(img.l1, true);
        List<Snapshot> snapshots = List.of();
        try {
            snapshots = new Qcow2Snapshots(img).list();
        } catch (IOException e) {
            checkErrors++;
            messages.add("ERROR cannot read the snapshot table: " + e.getMessage());
        }
        long tableBytes = 0;
        for (Snapshot s : snapshots) {
            tableBytes += (40 + s.extraData().length + s.id().length() + s.name().length() + 7) & ~7;
            reference(s.l1TableOffset(), (long) s.l1Size() * 8, "L1 table of snapshot '" + s.name() + "'");
            try {
                walkL1(img.readL1(s.l1TableOffset(), s.l1Size()), false);
            } catch (IOException e) {
                corruptions++;
                messages.add("ERROR snapshot '" + s.name() + "': " + e.getMessage());
            }
        }
        if (tableBytes > 0) reference(h.snapshotsOffset, tableBytes, "snapshot table");
        referenceBitmaps(h);
        reference(h.refcountTableOffset, (long) h.refcountTableClusters * cs, "refcount table");
        for (int i = 0; i < rc.tableEntries(); i++)
            if (rc.blockOffset(i) != 0) reference(rc.blockOffset(i), cs, "refcount block " + i);
        long leaks = 0, end = 0;
        for (long c = 0; c < references.length; c++) {
            long onDisk = rc.get(c), want = references[(int) c];
            if (onDisk != 0 || want != 0) end = c + 1;
            if (onDisk < want) {
                corruptions++;
                messages.add("ERROR cluster " + c + " refcount=" + onDisk + " reference=" + want);
            } else if (onDisk > want) {
                leaks++;
                messages.add("Leaked cluster " + c + " refcount=" + onDisk + " reference=" + want);
            }
        }
        for (int l1i = 0; l1i < img.l1.length; l1i++) checkCopied(l1i);
        long total = (img.size() + cs - 1) / cs;
        return new CheckResult(corruptions, leaks, checkErrors, 0, 0, end * cs, total, allocated, fragmented, compressed, List.copyOf(messages));
    }

    private long fileClusters;

    private void reference(long offset, long length, String what) {
        if (length <= 0) return;
        if (offset < 0 || offset > (1L << 56)) {
            corruptions++;
            messages.add("ERROR " + what + " at 0x" + Long.toHexString(offset) + " is not a valid offset");
            return;
        }
        if ((offset & 511) != 0) {
            corruptions++;
            messages.add("ERROR " + what + " at 0x" + Long.toHexString(offset) + " is not aligned");
            return;
        }
        for (long c = offset / cs; c <= (offset + length - 1) / cs; c++) {
            if (c >= fileClusters) {
                corruptions++;
                messages.add("ERROR " + what + ": cluster " + c + " (offset 0x" + Long.toHexString(c * cs) + ") is beyond the end of the file");
                return;
            }
            references[(int) c]++;
        }
    }

    /**
     * Persistent dirty bitmaps (qcow2.txt, "Bitmaps extension"), while the autoclear bit says
     * they are valid: the bitmap directory, each bitmap table and the data clusters it lists.
     * <pre>extension: nb_bitmaps u32, reserved u32, directory_size u64, directory_offset u64
     * directory entry: table_offset u64, table_size u32, flags u32, type u8, granularity_bits u8,
     *                  name_size u16, extra_data_size u32, extra data, name, padding to 8</pre>
     */
    private void referenceBitmaps(Qcow2Header h) throws IOException {
        if ((h.autoclear & 1) == 0) return;
        for (Object[] ext : h.otherExtensions) {
            if ((Integer) ext[0] != Qcow2Header.EXT_BITMAPS || ((byte[]) ext[1]).length < 24) continue;
            java.nio.ByteBuffer e = java.nio.ByteBuffer.wrap((byte[]) ext[1]);
            int count = e.getInt(0);
            long dirSize = e.getLong(8), dirOffset = e.getLong(16);
            if (dirSize <= 0 || dirSize > (64 << 20) || dirOffset + dirSize > fileClusters * cs) {
                corruptions++;
                messages.add("ERROR bitmap directory at 0x" + Long.toHexString(dirOffset) + " lies outside the file");
                return;
            }
            reference(dirOffset, dirSize, "bitmap directory");
            byte[] dir = new byte[(int) dirSize];
            ClusterCache.readFully(img.channel, dir, dirOffset);
            java.nio.ByteBuffer d = java.nio.ByteBuffer.wrap(dir);
            int p = 0;
            for (int i = 0; i < count && p + 24 <= dir.length; i++) {
                long tableOffset = d.getLong(p);
                int tableSize = d.getInt(p + 8);
                int nameSize = d.getShort(p + 18) & 0xffff, extra = d.getInt(p + 20);
                if (tableSize > 0 && tableOffset + 8L * tableSize <= fileClusters * cs) {
                    reference(tableOffset, 8L * tableSize, "bitmap table");
                    byte[] table = new byte[8 * tableSize];
                    ClusterCache.readFully(img.channel, table, tableOffset);
                    for (int k = 0; k < tableSize; k++) {
                        long data = (long) ClusterCache.LONG.get(table, k * 8) & OFFSET_MASK;
                        if (data != 0) reference(data, cs, "bitmap data");
                    }
                } else if (tableSize > 0) {
                    corruptions++;
                    messages.add("ERROR bitmap table at 0x" + Long.toHexString(tableOffset) + " lies outside the file");
                }
                p += (24 + extra + nameSize + 7) & ~7;
            }
        }
    }

    private void walkL1(long[] l1, boolean active) throws IOException {
        byte[] table = new byte[cs];
        long previous = -1;
        for (int i = 0; i < l1.length; i++) {
            long l2 = l1[i] & OFFSET_MASK;
            if (l2 == 0) continue;
            if ((l2 & (cs - 1)) != 0 || l2 + cs > fileClusters * cs) {
                corruptions++;
                messages.add("ERROR L2 table at 0x" + Long.toHexString(l2) + " (L1 index " + i + ") is unaligned or beyond the end of the file");
                continue;
            }
            reference(l2, cs, "L2 table");
            ClusterCache.readFully(img.channel, table, l2);
            for (int at = 0, k = 0; at < cs; at += img.entryBytes, k++) {
                long e = (long) ClusterCache.LONG.get(table, at);
                long guest = ((long) i << img.l2Bits | k) * cs;
                if ((e & COMPRESSED) != 0) {
                    long[] r = img.compressedRange(e);
                    reference(r[0], r[1], "compressed cluster at guest 0x" + Long.toHexString(guest));
                    if (active) { allocated++; compressed++; }
                    continue;
                }
                long host = e & OFFSET_MASK;
                if (img.extendedL2) checkBitmap(e, (long) ClusterCache.LONG.get(table, at + 8), guest);
                else if (img.header.version < 3 && (e & ZERO) != 0) {
                    corruptions++;
                    messages.add("ERROR zero flag in a version 2 image at guest 0x" + Long.toHexString(guest));
                }
                if (host == 0) continue;
                if ((host & (cs - 1)) != 0) {
                    corruptions++;
                    messages.add("ERROR data cluster at guest 0x" + Long.toHexString(guest) + " has unaligned host offset 0x" + Long.toHexString(host));
                    continue;
                }
                reference(host, cs, "data cluster at guest 0x" + Long.toHexString(guest));
                if (active) {
                    allocated++;
                    if (previous >= 0 && host != previous + cs) fragmented++;
                    previous = host;
                }
            }
        }
    }

    private void checkBitmap(long entry, long bitmap, long guest) {
        long alloc = bitmap & 0xffff_ffffL, zero = bitmap >>> 32;
        if ((alloc & zero) != 0 || ((entry & OFFSET_MASK) == 0 && alloc != 0)) {
            corruptions++;
            messages.add("ERROR invalid subcluster bitmap 0x" + Long.toHexString(bitmap) + " at guest 0x" + Long.toHexString(guest));
        }
    }

    private void checkCopied(int l1Index) throws IOException {
        Refcounts rc = img.refcounts;
        long e = img.l1[l1Index], l2 = e & OFFSET_MASK;
        if (l2 == 0 || l2 / cs >= fileClusters) return;
        if ((rc.get(l2 / cs) == 1) != ((e & COPIED) != 0)) {
            corruptions++;
            messages.add("ERROR OFLAG_COPIED L2 cluster: l1_index=" + l1Index + " l1_entry=" + Long.toHexString(e) + " refcount=" + rc.get(l2 / cs));
        }
        byte[] table = new byte[cs];
        ClusterCache.readFully(img.channel, table, l2);
        for (int at = 0; at < cs; at += img.entryBytes) {
            long d = (long) ClusterCache.LONG.get(table, at), host = d & OFFSET_MASK;
            if ((d & COMPRESSED) != 0 || host == 0 || host / cs >= fileClusters) continue;
            if ((rc.get(host / cs) == 1) != ((d & COPIED) != 0)) {
                corruptions++;
                messages.add("ERROR OFLAG_COPIED data cluster: l2_entry=" + Long.toHexString(d) + " refcount=" + rc.get(host / cs));
            }
        }
    }
}
