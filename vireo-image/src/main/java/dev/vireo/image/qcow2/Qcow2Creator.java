package dev.vireo.image.qcow2;

import dev.vireo.image.CreateOptions;
import dev.vireo.image.DiskImage;
import dev.vireo.image.DiskImages;
import dev.vireo.image.ImageException;
import dev.vireo.image.OpenOptions;
import dev.vireo.image.Preallocation;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Creates a qcow2 image: header in cluster 0, then the refcount table, the refcount blocks
 * covering the initial clusters, and a zeroed L1 table; then preallocation if asked.
 */
public final class Qcow2Creator {
    private Qcow2Creator() { }

    public static void create(Path path, CreateOptions o) throws IOException {
        int cs = o.clusterSize();
        if (Integer.bitCount(cs) != 1 || cs < 512 || cs > (2 << 20))
            throw new ImageException("cluster_size " + cs + " must be a power of two between 512 and 2M");
        if (o.version() != 2 && o.version() != 3) throw new ImageException("compat must be 0.10 (v2) or 1.1 (v3)");
        int bits = o.refcountBits();
        if (Integer.bitCount(bits) != 1 || bits > 64) throw new ImageException("refcount_bits " + bits + " must be 1, 2, 4, 8, 16, 32 or 64");
        if (o.version() == 2 && bits != 16) throw new ImageException("compat=0.10 supports only refcount_bits=16; use compat=1.1");
        if (o.extendedL2() && o.version() == 2) throw new ImageException("extended_l2 needs compat=1.1");
        if (o.extendedL2() && cs < 16384) throw new ImageException("extended_l2 needs cluster_size of at least 16K");
        if (o.backingFile() != null && o.preallocation() != Preallocation.OFF && !o.extendedL2())
            throw new ImageException("a backing file and preallocation need extended_l2=on; drop one of them");
        long size = o.size();
        if (o.backingFile() != null && size <= 0) {
            try (DiskImage b = DiskImages.open(Qcow2Image.resolveBacking(path, o.backingFile()), new OpenOptions(o.backingFormat(), true, false))) {
                size = b.size();
            }
        }
        if (size < 0) throw new ImageException("size must not be negative");
        Qcow2Header h = new Qcow2Header();
        h.version = o.version();
        h.clusterBits = Integer.numberOfTrailingZeros(cs);
        h.size = size;
        h.refcountOrder = Integer.numberOfTrailingZeros(bits);
        h.headerLength = Qcow2Header.V3_HEADER_LENGTH;
        if (o.extendedL2()) h.incompatible |= Qcow2Header.INCOMPAT_EXTL2;
        h.backingFile = o.backingFile();
        h.backingFormat = o.backingFile() == null || o.backingFormat() == null ? null : o.backingFormat().id();
        int l2Bits = h.clusterBits - (o.extendedL2() ? 4 : 3);
        long perL1 = (long) cs << l2Bits;
        long l1Size = (size + perL1 - 1) / perL1;
        if (l1Size > 32L << 20) throw new ImageException("size " + size + " is too large for cluster_size " + cs + "; use a larger cluster_size");
        long l1Clusters = Math.max(1, (l1Size * 8 + cs - 1) / cs);
        long perBlock = cs * 8L / bits;
        long tableClusters = 1, blocks = 1;
        while (true) {
            long total = 1 + tableClusters + blocks + l1Clusters;
            long b = (total + perBlock - 1) / perBlock;
            long t = Math.max(1, (b * 8 + cs - 1) / cs);
            if (b == blocks && t == tableClusters) break;
            blocks = b;
            tableClusters = t;
        }
        long total = 1 + tableClusters + blocks + l1Clusters;
        h.refcountTableOffset = cs;
        h.refcountTableClusters = (int) tableClusters;
        h.l1TableOffset = (1 + tableClusters + blocks) * cs;
        h.l1Size = (int) l1Size;
        ByteBuffer header = h.encode();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.READ)) {
            write(ch, header, 0);
            ByteBuffer table = ByteBuffer.allocate((int) (tableClusters * cs));
            for (long i = 0; i < blocks; i++) table.putLong((int) (i * 8), (1 + tableClusters + i) * cs);
            write(ch, table, cs);
            for (long i = 0; i < blocks; i++) {
                byte[] block = new byte[cs];
                for (long c = i * perBlock; c < Math.min(total, (i + 1) * perBlock); c++) setRefcount(block, (int) (c - i * perBlock), bits);
                write(ch, ByteBuffer.wrap(block), (1 + tableClusters + i) * cs);
            }
            write(ch, ByteBuffer.allocate((int) (l1Clusters * cs)), h.l1TableOffset);
            ch.force(true);
        }
        if (o.preallocation() != Preallocation.OFF) {
            try (Qcow2Image img = Qcow2Image.open(path, OpenOptions.of(dev.vireo.image.ImageFormat.QCOW2, false).withUnsafeCache())) {
                img.writer().preallocate(o.preallocation());
            }
        }
    }

    private static void setRefcount(byte[] block, int i, int bits) {
        switch (bits) {
            case 1, 2, 4 -> block[i * bits >>> 3] |= (byte) (1 << ((i * bits) & 7));
            case 8 -> block[i] = 1;
            case 16 -> block[i * 2 + 1] = 1;
            case 32 -> block[i * 4 + 3] = 1;
            default -> block[i * 8 + 7] = 1;
        }
    }

    private static void write(FileChannel ch, ByteBuffer b, long at) throws IOException {
        b.clear();
        while (b.hasRemaining()) ch.write(b, at + b.position());
    }
}
