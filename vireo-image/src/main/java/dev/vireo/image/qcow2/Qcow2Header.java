package dev.vireo.image.qcow2;

import dev.vireo.image.ImageException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The qcow2 header (QEMU docs/interop/qcow2.txt, "Header"), big-endian, in cluster 0:
 * <pre>
 *   0  magic "QFI\xfb"          4  version (2|3)            8  backing_file_offset (u64)
 *  16  backing_file_size (u32) 20  cluster_bits            24  size (u64)
 *  32  crypt_method            36  l1_size                 40  l1_table_offset (u64)
 *  48  refcount_table_offset   56  refcount_table_clusters 60  nb_snapshots
 *  64  snapshots_offset (u64)  -- version 3 only: --
 *  72  incompatible_features   80  compatible_features     88  autoclear_features
 *  96  refcount_order         100  header_length          104  compression_type (u8)
 * </pre>
 * followed by header extensions (type u32, length u32, data padded to 8): backing format
 * (0xe2792aca), feature name table (0x6803f857), end (0).
 */
public final class Qcow2Header {
    static final int MAGIC = 0x514649fb;
    static final int EXT_END = 0, EXT_BACKING_FORMAT = 0xe2792aca, EXT_FEATURE_TABLE = 0x6803f857;
    static final int EXT_DATA_FILE = 0x44415441, EXT_ENCRYPTION = 0x0537be77, EXT_BITMAPS = 0x23852875;
    public static final long INCOMPAT_DIRTY = 1, INCOMPAT_CORRUPT = 2, INCOMPAT_DATA_FILE = 4,
            INCOMPAT_COMPRESSION = 8, INCOMPAT_EXTL2 = 16;
    static final long INCOMPAT_KNOWN = INCOMPAT_DIRTY | INCOMPAT_CORRUPT | INCOMPAT_COMPRESSION | INCOMPAT_EXTL2;
    public static final long COMPAT_LAZY_REFCOUNTS = 1;
    static final int V3_HEADER_LENGTH = 112;

    public int version;
    public long backingFileOffset;
    public int backingFileSize;
    public int clusterBits;
    public long size;
    public int cryptMethod;
    public int l1Size;
    public long l1TableOffset;
    public long refcountTableOffset;
    public int refcountTableClusters;
    public int snapshotCount;
    public long snapshotsOffset;
    public long incompatible, compatible, autoclear;
    public int refcountOrder = 4;
    public int headerLength = 72;
    public int compressionType;
    public String backingFile;
    public String backingFormat;
    /** Feature names from the feature name table: index = type*64 + bit. */
    public final List<String> featureNames = new ArrayList<>();
    /** Extensions we do not interpret, kept verbatim (type, data) so that rewriting keeps them. */
    public final List<Object[]> otherExtensions = new ArrayList<>();

    public int clusterSize() { return 1 << clusterBits; }

    public boolean extendedL2() { return (incompatible & INCOMPAT_EXTL2) != 0; }

    public static Qcow2Header read(FileChannel ch, String name) throws IOException {
        long fileSize = ch.size();
        if (fileSize < 72) throw corrupt(name, "file is " + fileSize + " bytes, shorter than a qcow2 header");
        ByteBuffer b = ByteBuffer.allocate((int) Math.min(fileSize, 1 << 16));
        while (b.hasRemaining() && ch.read(b, b.position()) > 0) { }
        b.flip();
        Qcow2Header h = new Qcow2Header();
        if (b.getInt(0) != MAGIC) throw new ImageException("'" + name + "' is not a qcow2 image (bad magic); pass the right -f format");
        h.version = b.getInt(4);
        if (h.version != 2 && h.version != 3)
            throw new ImageException("'" + name + "' is qcow2 version " + h.version + "; only versions 2 and 3 are supported");
        h.backingFileOffset = b.getLong(8);
        h.backingFileSize = b.getInt(16);
        h.clusterBits = b.getInt(20);
        if (h.clusterBits < 9 || h.clusterBits > 21)
            throw corrupt(name, "cluster_bits " + h.clusterBits + " is outside 9..21");
        h.size = b.getLong(24);
        h.cryptMethod = b.getInt(32);
        h.l1Size = b.getInt(36);
        h.l1TableOffset = b.getLong(40);
        h.refcountTableOffset = b.getLong(48);
        h.refcountTableClusters = b.getInt(56);
        h.snapshotCount = b.getInt(60);
        h.snapshotsOffset = b.getLong(64);
        if (h.version == 3) {
            if (b.limit() < 104) throw corrupt(name, "version 3 header is truncated");
            h.incompatible = b.getLong(72);
            h.compatible = b.getLong(80);
            h.autoclear = b.getLong(88);
            h.refcountOrder = b.getInt(96);
            h.headerLength = b.getInt(100);
            if (h.refcountOrder > 6) throw corrupt(name, "refcount_order " + h.refcountOrder + " is above 6");
            if (h.headerLength < 104 || h.headerLength > b.limit() || h.headerLength > h.clusterSize())
                throw corrupt(name, "header_length " + h.headerLength + " is invalid");
            if (h.headerLength > 104) h.compressionType = b.get(104) & 0xff;
        }
        h.validate(name, fileSize);
        h.readExtensions(b, name);
        if (h.backingFileOffset != 0) {
            if (h.backingFileSize > 1023 || h.backingFileOffset + h.backingFileSize > Math.min(b.limit(), h.clusterSize()))
                throw corrupt(name, "backing file name lies outside the first cluster");
            byte[] n = new byte[h.backingFileSize];
            b.get((int) h.backingFileOffset, n);
            h.backingFile = new String(n, StandardCharsets.UTF_8);
        }
        return h;
    }

    private void validate(String name, long fileSize) throws ImageException {
        long cs = clusterSize();
        if (cryptMethod != 0) throw new ImageException("'" + name + "' is encrypted (crypt_method " + cryptMethod
                + "); encrypted qcow2 is not supported yet, decrypt it with qemu-img convert");
        if ((incompatible & INCOMPAT_DATA_FILE) != 0)
            throw new ImageException("'" + name + "' uses an external data file; convert it with qemu-img to a self-contained qcow2");
        if (l1Size < 0 || (l1TableOffset & (cs - 1)) != 0 || (refcountTableOffset & (cs - 1)) != 0
                || (snapshotsOffset & (cs - 1)) != 0 || refcountTableClusters <= 0 || snapshotCount < 0)
            throw corrupt(name, "table offsets or sizes in the header are invalid");
        if (l1TableOffset + 8L * l1Size > fileSize + cs || refcountTableOffset + cs * refcountTableClusters > fileSize + cs)
            throw corrupt(name, "the L1 or refcount table lies beyond the end of the file (truncated image?)");
        long entriesPerL2 = cs / (extendedL2() ? 16 : 8);
        if (size < 0 || (size + cs * entriesPerL2 - 1) / (cs * entriesPerL2) > l1Size)
            throw corrupt(name, "l1_size " + l1Size + " is too small for the virtual size " + size);
        if (version == 2 && refcountOrder != 4) throw corrupt(name, "version 2 requires 16-bit refcounts");
    }

    private void readExtensions(ByteBuffer b, String name) throws ImageException {
        int p = version == 2 ? 72 : headerLength;
        int limit = Math.min(b.limit(), clusterSize());
        while (p + 8 <= limit) {
            int type = b.getInt(p), len = b.getInt(p + 4);
            if (type == EXT_END) return;
            if (len < 0 || p + 8 + len > limit) throw corrupt(name, "header extension 0x" + Integer.toHexString(type) + " overflows cluster 0");
            byte[] data = new byte[len];
            b.get(p + 8, data);
            switch (type) {
                case EXT_BACKING_FORMAT -> backingFormat = new String(data, StandardCharsets.UTF_8);
                case EXT_FEATURE_TABLE -> {
                    for (int i = 0; i + 48 <= len; i += 48) {
                        int t = data[i] & 0xff, bit = data[i + 1] & 0xff;
                        String n = new String(data, i + 2, 46, StandardCharsets.UTF_8).replace("\0", "");
                        while (featureNames.size() <= t * 64 + bit) featureNames.add(null);
                        featureNames.set(t * 64 + bit, n);
                    }
                }
                default -> otherExtensions.add(new Object[] {type, data});
            }
            p += 8 + ((len + 7) & ~7);
        }
    }

    /** Name of incompatible feature {@code bit}, from the image's own feature table when present. */
    public String incompatibleName(int bit) {
        if (bit < featureNames.size() && featureNames.get(bit) != null) return featureNames.get(bit);
        return "incompatible bit " + bit;
    }

    static ImageException corrupt(String name, String what) {
        return new ImageException("'" + name + "' is not a valid qcow2 image: " + what
                + "; if it was truncated, restore it from a backup");
    }

    /** Serializes header, extensions and backing file name into cluster 0 (at most one cluster). */
    public ByteBuffer encode() throws ImageException {
        int cs = clusterSize();
        ByteBuffer b = ByteBuffer.allocate(cs);
        int hl = version == 2 ? 72 : Math.max(headerLength, 104);
        if (version == 3) headerLength = hl;
        b.putInt(0, MAGIC).putInt(4, version).putInt(20, clusterBits).putLong(24, size).putInt(32, cryptMethod)
                .putInt(36, l1Size).putLong(40, l1TableOffset).putLong(48, refcountTableOffset)
                .putInt(56, refcountTableClusters).putInt(60, snapshotCount).putLong(64, snapshotsOffset);
        if (version == 3) {
            b.putLong(72, incompatible).putLong(80, compatible).putLong(88, autoclear).putInt(96, refcountOrder)
                    .putInt(100, hl);
            if (hl > 104) b.put(104, (byte) compressionType);
        }
        int p = hl;
        try {
            if (backingFormat != null) p = putExtension(b, p, EXT_BACKING_FORMAT, backingFormat.getBytes(StandardCharsets.UTF_8));
            for (Object[] e : otherExtensions) p = putExtension(b, p, (Integer) e[0], (byte[]) e[1]);
            if (version == 3 && p + 8 + 5 * 48 + 8 + 1024 <= cs) p = putExtension(b, p, EXT_FEATURE_TABLE, featureTable());
            b.putInt(p, EXT_END).putInt(p + 4, 0);
            p += 8;
            if (backingFile != null) {
                byte[] n = backingFile.getBytes(StandardCharsets.UTF_8);
                if (n.length > 1023) throw new ImageException("backing file name is longer than 1023 bytes; use a shorter path");
                b.put(p, n);
                backingFileOffset = p;
                backingFileSize = n.length;
            } else {
                backingFileOffset = 0;
                backingFileSize = 0;
            }
        } catch (IndexOutOfBoundsException e) {
            throw new ImageException("header, extensions and backing file name do not fit in one " + cs
                    + "-byte cluster; use a larger cluster_size or a shorter backing path");
        }
        b.putLong(8, backingFileOffset).putInt(16, backingFileSize);
        return b;
    }

    private static int putExtension(ByteBuffer b, int p, int type, byte[] data) {
        b.putInt(p, type).putInt(p + 4, data.length).put(p + 8, data);
        return p + 8 + ((data.length + 7) & ~7);
    }

    private static byte[] featureTable() {
        String[][] f = {{"0", "0", "dirty bit"}, {"0", "1", "corrupt bit"}, {"0", "3", "compression type"},
                {"0", "4", "extended L2 entries"}, {"1", "0", "lazy refcounts"}};
        byte[] t = new byte[48 * f.length];
        for (int i = 0; i < f.length; i++) {
            t[i * 48] = (byte) Integer.parseInt(f[i][0]);
            t[i * 48 + 1] = (byte) Integer.parseInt(f[i][1]);
            byte[] n = f[i][2].getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(n, 0, t, i * 48 + 2, n.length);
        }
        return t;
    }
}
