package dev.vireo.image.qcow2;

import dev.vireo.image.DiskImage;
import dev.vireo.image.DiskImages;
import dev.vireo.image.ImageException;
import dev.vireo.image.ImageFormat;
import dev.vireo.image.OpenOptions;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A qcow2 v2/v3 image (QEMU docs/interop/qcow2.txt): two-level L1/L2 mapping of guest
 * clusters to host clusters, standard or extended (subcluster) L2 entries, zero and
 * compressed clusters, a backing chain, refcounted host clusters.
 *
 * <p>Write ordering (no lazy refcounts, so a kill -9 leaves only leaks): the refcount of a
 * new cluster is written and flushed ({@link Refcounts#allocate}); then the data; then the
 * L2 entry (a new L2 table is flushed before the L1 entry pointing at it); references are
 * dropped (refcount decrement) only after the entry that replaced them is flushed.
 *
 * <p>One I/O thread at a time; the cluster lookup allocates nothing.
 */
public final class Qcow2Image implements DiskImage {
    static final long OFFSET_MASK = 0x00ff_ffff_ffff_fe00L, COPIED = 1L << 63, COMPRESSED = 1L << 62, ZERO = 1;
    static final long ALL_ALLOCATED = 0xffff_ffffL, ALL_ZERO = 0xffff_ffffL << 32;

    final Path path;
    final String name;
    final FileChannel channel;
    final Qcow2Header header;
    final boolean readOnly, unsafe;
    final int clusterSize, clusterBits, l2Bits, entryBytes, subclusterSize;
    final boolean extendedL2;
    Refcounts refcounts;
    final ClusterCache l2Cache;
    long[] l1;
    DiskImage backing;
    private final Compression compression = new Compression();
    private final int csizeShift;
    private final long csizeMask, coffsetMask;
    private final byte[] clusterBuffer, compressedIn, compressedOut;
    private long compressedCached = -1;
    private long knownFileSize;

    private Qcow2Image(Path path, FileChannel channel, Qcow2Header header, boolean readOnly, boolean unsafe) throws IOException {
        this.path = path;
        this.name = path.toString();
        this.channel = channel;
        this.header = header;
        this.readOnly = readOnly;
        this.unsafe = unsafe;
        this.clusterSize = header.clusterSize();
        this.clusterBits = header.clusterBits;
        this.extendedL2 = header.extendedL2();
        this.entryBytes = extendedL2 ? 16 : 8;
        this.l2Bits = clusterBits - (extendedL2 ? 4 : 3);
        this.subclusterSize = extendedL2 ? clusterSize / 32 : clusterSize;
        this.csizeShift = 62 - (clusterBits - 8);
        this.csizeMask = (1L << (clusterBits - 8)) - 1;
        this.coffsetMask = (1L << csizeShift) - 1;
        this.clusterBuffer = new byte[clusterSize];
        this.compressedIn = new byte[clusterSize * 2 + 512];
        this.compressedOut = new byte[clusterSize];
        this.l2Cache = new ClusterCache(channel, clusterSize, 32);
        this.knownFileSize = channel.size();
        this.refcounts = new Refcounts(channel, header, name, unsafe);
        this.l1 = readL1(header.l1TableOffset, header.l1Size);
    }

    public static Qcow2Image open(Path path, OpenOptions options) throws IOException {
        return open(path, options, 0);
    }

    static Qcow2Image open(Path path, OpenOptions options, int depth) throws IOException {
        if (!Files.exists(path)) throw new ImageException("image '" + path + "' does not exist; check the path");
        FileChannel ch = options.readOnly() ? FileChannel.open(path, StandardOpenOption.READ)
                : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            Qcow2Header h = Qcow2Header.read(ch, path.toString());
            long unknown = h.incompatible & ~Qcow2Header.INCOMPAT_KNOWN;
            if (unknown != 0) throw new ImageException("'" + path + "' uses unsupported feature '"
                    + h.incompatibleName(Long.numberOfTrailingZeros(unknown)) + "'; convert it with a newer qemu-img to compat=1.1 without it");
            if (!options.readOnly() && (h.incompatible & Qcow2Header.INCOMPAT_CORRUPT) != 0)
                throw new ImageException("'" + path + "' is marked corrupt; run 'vireo img check -r all' before writing to it");
            if (!options.readOnly() && (h.incompatible & Qcow2Header.INCOMPAT_DIRTY) != 0)
                throw new ImageException("'" + path + "' was not closed cleanly (dirty, lazy refcounts); run 'vireo img check -r all' first");
            Qcow2Image img = new Qcow2Image(path, ch, h, options.readOnly(), options.unsafeCache());
            try {
                img.openBacking(depth);
                if (!options.readOnly() && h.autoclear != 0) img.clearAutoclear();
                return img;
            } catch (IOException | RuntimeException e) {
                img.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            if (ch.isOpen()) ch.close();
            throw e;
        }
    }

    private void openBacking(int depth) throws IOException {
        if (header.backingFile == null) return;
        if (depth > 32) throw new ImageException("backing chain of '" + name + "' is deeper than 32 (a loop?); fix it with 'vireo img rebase'");
        Path b = resolveBacking(path, header.backingFile);
        ImageFormat f = header.backingFormat == null ? null : ImageFormat.parse(header.backingFormat);
        try {
            backing = f == ImageFormat.QCOW2 || (f == null && DiskImages.probe(b) == ImageFormat.QCOW2)
                    ? open(b, OpenOptions.of(ImageFormat.QCOW2, true), depth + 1)
                    : DiskImages.open(b, new OpenOptions(f, true, false));
        } catch (ImageException e) {
            throw new ImageException("cannot open backing file '" + b + "' of '" + name + "': " + e.getMessage(), e);
        }
    }

    /** Relative backing paths are relative to the directory of the image that names them. */
    public static Path resolveBacking(Path image, String backing) {
        Path b = Path.of(backing);
        if (b.isAbsolute()) return b;
        Path dir = image.toAbsolutePath().getParent();
        return dir == null ? b : dir.resolve(b).normalize();
    }

    private void clearAutoclear() throws IOException {
        header.autoclear = 0;
        refcounts.writeLong(88, 0);
        refcounts.sync();
    }

    long[] readL1(long offset, int entries) throws IOException {
        byte[] raw = new byte[entries * 8];
        ClusterCache.readFully(channel, raw, offset);
        long[] t = new long[entries];
        for (int i = 0; i < entries; i++) {
            t[i] = (long) ClusterCache.LONG.get(raw, i * 8);
            long off = t[i] & OFFSET_MASK;
            if ((off & (clusterSize - 1)) != 0)
                throw Qcow2Header.corrupt(name, "L1 entry " + i + " points at unaligned offset 0x" + Long.toHexString(off) + "; run 'vireo img check -r all'");
        }
        return t;
    }

    public Qcow2Header header() { return header; }

    public DiskImage backing() { return backing; }

    public Path path() { return path; }

    @Override public long size() { return header.size; }

    @Override public boolean readOnly() { return readOnly; }

    // ---- reading ----

    @Override
    public void read(long position, byte[] buffer, int offset, int length) throws IOException {
        checkRange(position, length);
        while (length > 0) {
            int n = (int) Math.min(length, clusterSize - (position & (clusterSize - 1)));
            readInCluster(position, buffer, offset, n);
            position += n;
            offset += n;
            length -= n;
        }
    }

    /** Reads within one guest cluster. */
    private void readInCluster(long position, byte[] buffer, int offset, int length) throws IOException {
        int l1Index = (int) (position >>> (clusterBits + l2Bits));
        long l2Offset = l1[l1Index] & OFFSET_MASK;
        if (l2Offset == 0) {
            readUnallocated(position, buffer, offset, length);
            return;
        }
        byte[] table = l2Table(l2Offset);
        int at = (int) ((position >>> clusterBits) & ((1L << l2Bits) - 1)) * entryBytes;
        long entry = (long) ClusterCache.LONG.get(table, at);
        int inCluster = (int) (position & (clusterSize - 1));
        if ((entry & COMPRESSED) != 0) {
            readCompressed(entry);
            System.arraycopy(compressedOut, inCluster, buffer, offset, length);
            return;
        }
        long host = entry & OFFSET_MASK;
        if (!extendedL2) {
            if ((entry & ZERO) != 0 && header.version >= 3) Arrays.fill(buffer, offset, offset + length, (byte) 0);
            else if (host == 0) readUnallocated(position, buffer, offset, length);
            else readHost(host + inCluster, buffer, offset, length);
            return;
        }
        long bitmap = (long) ClusterCache.LONG.get(table, at + 8);
        while (length > 0) {
            int sub = inCluster / subclusterSize;
            int n = Math.min(length, (sub + 1) * subclusterSize - inCluster);
            if ((bitmap >>> sub & 1) != 0) {
                if (host == 0) throw Qcow2Header.corrupt(name, "subcluster allocated in an unallocated cluster at guest offset " + position + "; run 'vireo img check -r all'");
                readHost(host + inCluster, buffer, offset, n);
            } else if ((bitmap >>> (32 + sub) & 1) != 0) {
                Arrays.fill(buffer, offset, offset + n, (byte) 0);
            } else {
                readUnallocated(position, buffer, offset, n);
            }
            position += n;
            offset += n;
            inCluster += n;
            length -= n;
        }
    }

    private byte[] l2Table(long offset) throws IOException {
        if (offset + clusterSize > knownFileSize && offset + clusterSize > (knownFileSize = channel.size()))
            throw Qcow2Header.corrupt(name, "L2 table at 0x" + Long.toHexString(offset) + " lies beyond the end of the file (" + knownFileSize + " bytes)");
        return l2Cache.get(offset);
    }

    private void readHost(long hostOffset, byte[] buffer, int offset, int length) throws IOException {
        if (hostOffset + length > knownFileSize && hostOffset + length > (knownFileSize = channel.size()))
            throw Qcow2Header.corrupt(name, "data at host offset 0x" + Long.toHexString(hostOffset) + " lies beyond the end of the file (" + knownFileSize
                    + " bytes); the image is truncated, run 'vireo img check'");
        ByteBuffer b = ByteBuffer.wrap(buffer, offset, length);
        while (b.hasRemaining()) if (channel.read(b, hostOffset + b.position() - offset) < 0) break;
        Arrays.fill(buffer, b.position(), offset + length, (byte) 0);
    }

    private void readUnallocated(long position, byte[] buffer, int offset, int length) throws IOException {
        long fromBacking = backing == null ? 0 : Math.max(0, Math.min(length, backing.size() - position));
        if (fromBacking > 0) backing.read(position, buffer, offset, (int) fromBacking);
        Arrays.fill(buffer, offset + (int) fromBacking, offset + length, (byte) 0);
    }

    private void readCompressed(long entry) throws IOException {
        if (entry == compressedCached) return;
        if ((header.incompatible & Qcow2Header.INCOMPAT_COMPRESSION) != 0 && header.compressionType != 0)
            throw new ImageException("'" + name + "' uses zstd compression; convert it with 'qemu-img convert -o compression_type=zlib'");
        long hostOffset = entry & coffsetMask;
        int sectors = (int) ((entry >>> csizeShift) & csizeMask) + 1;
        int length = (int) Math.min(sectors * 512L - (hostOffset & 511), compressedIn.length);
        if (hostOffset >= (knownFileSize = channel.size()))
            throw Qcow2Header.corrupt(name, "compressed cluster at 0x" + Long.toHexString(hostOffset) + " lies beyond the end of the file");
        length = (int) Math.min(length, knownFileSize - hostOffset);
        compressedCached = -1;
        ByteBuffer in = ByteBuffer.wrap(compressedIn, 0, length);
        while (in.hasRemaining() && channel.read(in, hostOffset + in.position()) > 0) { }
        compression.decompress(compressedIn, in.position(), compressedOut, name);
        compressedCached = entry;
    }

    /** Host range [offset, offset+length) of a compressed entry, for refcounting. */
    long[] compressedRange(long entry) {
        long hostOffset = entry & coffsetMask;
        long sectors = ((entry >>> csizeShift) & csizeMask) + 1;
        return new long[] {hostOffset & ~511L, sectors * 512};
    }

    long compressedEntry(long hostOffset, int length) {
        long sectors = ((hostOffset + length - 1) >>> 9) - (hostOffset >>> 9);
        return COMPRESSED | (sectors << csizeShift) | hostOffset;
    }

    private void checkRange(long position, long length) throws ImageException {
        if (position < 0 || length < 0 || position + length > header.size)
            throw new ImageException("access [" + position + ", +" + length + ") is outside image '" + name
                    + "' of " + header.size + " bytes; resize it with 'vireo img resize'");
    }

    // ---- writing: see Qcow2Writer for the allocation paths ----

    private Qcow2Writer writer;

    Qcow2Writer writer() throws ImageException {
        if (readOnly) throw new ImageException("image '" + name + "' is open read-only; reopen it writable");
        if (writer == null) writer = new Qcow2Writer(this);
        return writer;
    }

    @Override
    public void write(long position, byte[] buffer, int offset, int length) throws IOException {
        checkRange(position, length);
        writer().write(position, buffer, offset, length);
    }

    @Override
    public void discard(long position, long length) throws IOException {
        checkRange(position, length);
        writer().zero(position, length, true, true);
    }

    @Override
    public void writeZeroes(long position, long length, boolean mayUnmap) throws IOException {
        checkRange(position, length);
        writer().zero(position, length, mayUnmap, false);
    }

    /** Writes a whole guest cluster compressed (convert -c); falls back to a normal write if it does not shrink. */
    public void writeCompressed(long position, byte[] cluster) throws IOException {
        checkRange(position, clusterSize);
        writer().writeCompressed(position, cluster, compression);
    }

    /** Grows the virtual size (qcow2 cannot shrink here). */
    public void resize(long newSize) throws IOException {
        writer().resize(newSize);
    }

    @Override
    public void flush() throws IOException {
        if (!readOnly) channel.force(true);
    }

    long fileSize() throws IOException { return knownFileSize = channel.size(); }

    void noteWritten(long end) { if (end > knownFileSize) knownFileSize = end; }

    /** Reads one guest cluster as the guest sees it, through zero flags, compression and the backing chain. */
    void readGuestCluster(long clusterStart, byte[] into) throws IOException {
        int n = (int) Math.min(clusterSize, header.size - clusterStart);
        readInCluster(clusterStart, into, 0, n);
        Arrays.fill(into, n, clusterSize, (byte) 0);
    }

    byte[] scratchCluster() { return clusterBuffer; }

    void forgetCompressedCache() { compressedCached = -1; }

    @Override
    public void close() throws IOException {
        try {
            if (!readOnly && channel.isOpen()) channel.force(true);
        } finally {
            compression.close();
            channel.close();
            if (backing != null) backing.close();
        }
    }
}
