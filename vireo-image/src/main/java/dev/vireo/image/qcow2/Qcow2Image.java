package dev.vireo.image.qcow2;

import dev.vireo.image.DirectChannel;
import dev.vireo.image.DiskImage;
import dev.vireo.image.DiskImages;
import dev.vireo.image.ImageException;
import dev.vireo.image.ImageFormat;
import dev.vireo.image.ImageLock;
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
    private ImageLock lock; // held while open for writing

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
        this.bulkScratch = new byte[clusterSize];
        this.compressedIn = new byte[clusterSize * 2 + 512];
        this.compressedOut = new byte[clusterSize];
        this.l2Cache = new ClusterCache(channel, clusterSize, Math.max(4, Math.min(256, (4 << 20) / clusterSize))); // ~4 MiB of L2 tables
        this.knownFileSize = channel.size();
        this.refcounts = new Refcounts(channel, header, name, unsafe);
        this.l1 = readL1(header.l1TableOffset, header.l1Size);
    }

    public static Qcow2Image open(Path path, OpenOptions options) throws IOException {
        return open(path, options, 0);
    }

    static Qcow2Image open(Path path, OpenOptions options, int depth) throws IOException {
        if (!Files.exists(path)) throw new ImageException("image '" + path + "' does not exist; check the path");
        FileChannel ch = options.directIo() ? DirectChannel.open(path, options.readOnly())
                : options.readOnly() ? FileChannel.open(path, StandardOpenOption.READ)
                : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return open(path, options, depth, ch);
    }

    /** Opens over a channel the caller made (tests inject faults this way); the image owns it afterwards. */
    static Qcow2Image open(Path path, OpenOptions options, int depth, FileChannel ch) throws IOException {
        return open(path, options, depth, ch, false);
    }

    /**
     * Opens writable for {@code check -r}, even when the image is marked dirty or corrupt;
     * {@link #markClean()} clears those bits once the repair has succeeded.
     */
    public static Qcow2Image openForRepair(Path path) throws IOException {
        if (!Files.exists(path)) throw new ImageException("image '" + path + "' does not exist; check the path");
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return open(path, OpenOptions.of(ImageFormat.QCOW2, false), 0, ch, true);
    }

    /** Clears the dirty and corrupt bits after a successful repair. */
    public void markClean() throws IOException {
        writer();
        long bits = header.incompatible & ~(Qcow2Header.INCOMPAT_DIRTY | Qcow2Header.INCOMPAT_CORRUPT);
        if (bits == header.incompatible || header.version < 3) return;
        refcounts.sync();
        refcounts.writeLong(72, bits);
        refcounts.sync();
        header.incompatible = bits;
    }

    private static Qcow2Image open(Path path, OpenOptions options, int depth, FileChannel ch, boolean repair) throws IOException {
        try {
            Qcow2Header h = Qcow2Header.read(ch, path.toString());
            long unknown = h.incompatible & ~Qcow2Header.INCOMPAT_KNOWN;
            if (unknown != 0) throw new ImageException("'" + path + "' uses unsupported feature '"
                    + h.incompatibleName(Long.numberOfTrailingZeros(unknown)) + "'; convert it with a newer qemu-img to compat=1.1 without it");
            if (!options.readOnly() && !repair && (h.incompatible & Qcow2Header.INCOMPAT_CORRUPT) != 0)
                throw new ImageException("'" + path + "' is marked corrupt; run 'vireo img check -r all' before writing to it");
            if (!options.readOnly() && !repair && (h.incompatible & Qcow2Header.INCOMPAT_DIRTY) != 0)
                throw new ImageException("'" + path + "' was not closed cleanly (dirty, lazy refcounts); run 'vireo img check -r all' first");
            Qcow2Image img = new Qcow2Image(path, ch, h, options.readOnly(), options.unsafeCache());
            try {
                if (!options.readOnly()) img.lock = ImageLock.forWriting(path);
                img.openBacking(depth, options.directIo());
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

    /** Opens the backing chain read-only, with the same page-cache bypass as this image (as QEMU's cache=none). */
    private void openBacking(int depth, boolean directIo) throws IOException {
        if (header.backingFile == null) return;
        if (depth > 32) throw new ImageException("backing chain of '" + name + "' is deeper than 32 (a loop?); fix it with 'vireo img rebase'");
        Path b = resolveBacking(path, header.backingFile);
        ImageFormat f = header.backingFormat == null ? null : ImageFormat.parse(header.backingFormat);
        try {
            backing = f == ImageFormat.QCOW2 || (f == null && DiskImages.probe(b) == ImageFormat.QCOW2)
                    ? open(b, OpenOptions.of(ImageFormat.QCOW2, true).withDirectIo(directIo), depth + 1)
                    : DiskImages.open(b, new OpenOptions(f, true, false, directIo));
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

    /**
     * Before the first change to guest-visible content: autoclear features (persistent
     * bitmaps) we do not maintain are declared stale, as qcow2.txt requires of writers that
     * do not understand them. Metadata-only work (check -r) keeps them.
     */
    void clearAutoclear() throws IOException {
        if (header.autoclear == 0) return;
        header.autoclear = 0;
        refcounts.writeLong(88, 0);
        refcounts.sync();
    }

    long[] readL1(long offset, int entries) throws IOException {
        if (entries < 0 || entries > (32 << 20) || offset < 0 || offset + 8L * entries > fileSize())
            throw Qcow2Header.corrupt(name, "an L1 table (" + entries + " entries at 0x" + Long.toHexString(offset) + ") lies outside the file");
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
            pendingRequest = extendedL2 ? 0 : length - n; // whole clusters after this one may be read in the same call
            pendingExtra = 0;
            readInCluster(position, buffer, offset, n);
            pendingRequest = 0;
            n += pendingExtra;
            pendingExtra = 0;
            position += n;
            offset += n;
            length -= n;
        }
    }

    /**
     * Bulk read into a (direct) buffer: runs of data clusters that lie contiguously in the
     * file are read straight into {@code into}; everything else (zero, compressed, backing,
     * subclusters) goes through {@link #read(long, byte[], int, int)} one cluster at a time.
     */
    @Override
    public void read(long position, ByteBuffer into) throws IOException {
        checkRange(position, into.remaining());
        long[] st = statusScratch;
        while (into.hasRemaining()) {
            int remaining = into.remaining();
            long n = Math.min(status(position, st), remaining);
            if (st[0] == DATA && (!extendedL2 || n == clusterSize - (position & (clusterSize - 1)))) {
                long host = st[1];
                while (n < remaining) {
                    long m = status(position + n, st);
                    if (st[0] != DATA || st[1] != host + n || extendedL2 && m != clusterSize) break;
                    n += Math.min(m, remaining - n);
                }
                if (host + n > knownFileSize && host + n > (knownFileSize = channel.size()))
                    throw Qcow2Header.corrupt(name, "data at host offset 0x" + Long.toHexString(host) + " lies beyond the end of the file ("
                            + knownFileSize + " bytes); the image is truncated, run 'vireo img check'");
                int end = into.position() + (int) n;
                ByteBuffer part = into.slice(into.position(), (int) n);
                while (part.hasRemaining()) if (channel.read(part, host + part.position()) < 0) break;
                while (part.hasRemaining()) part.put((byte) 0);
                into.position(end);
            } else {
                read(position, bulkScratch, 0, (int) n);
                into.put(bulkScratch, 0, (int) n);
            }
            position += n;
        }
    }

    private final long[] statusScratch = new long[2];
    private final byte[] bulkScratch;

    /** Bulk write from a (direct) buffer: see {@link Qcow2Writer#write(long, ByteBuffer)}. */
    @Override
    public void write(long position, ByteBuffer from) throws IOException {
        checkRange(position, from.remaining());
        contentWriter().write(position, from);
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
            else readHost(host + inCluster, buffer, offset, contiguousRun(table, at, host, inCluster, length));
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

    /** Read-ahead for {@link #read}: how far past this cluster the host clusters continue contiguously. */
    private int contiguousRun(byte[] table, int at, long host, int inCluster, int length) {
        int run = length;
        pendingExtra = 0;
        long want = host + clusterSize;
        for (int k = at + entryBytes; k < clusterSize && pendingRequest > 0; k += entryBytes) {
            long e = (long) ClusterCache.LONG.get(table, k);
            if ((e & (COMPRESSED | ZERO)) != 0 || (e & OFFSET_MASK) != want) break;
            int n = (int) Math.min(clusterSize, pendingRequest);
            run += n;
            pendingRequest -= n;
            pendingExtra += n;
            want += clusterSize;
        }
        return run;
    }

    private long pendingRequest;
    private int pendingExtra;

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

    /** The writer, after marking autoclear features stale: for changes to guest content. */
    Qcow2Writer contentWriter() throws IOException {
        Qcow2Writer w = writer();
        clearAutoclear();
        return w;
    }

    @Override
    public void write(long position, byte[] buffer, int offset, int length) throws IOException {
        checkRange(position, length);
        contentWriter().write(position, buffer, offset, length);
    }

    @Override
    public void discard(long position, long length) throws IOException {
        checkRange(position, length);
        contentWriter().zero(position, length, true, true);
    }

    @Override
    public void writeZeroes(long position, long length, boolean mayUnmap) throws IOException {
        checkRange(position, length);
        contentWriter().zero(position, length, mayUnmap, false);
    }

    /** Writes a whole guest cluster compressed (convert -c); falls back to a normal write if it does not shrink. */
    public void writeCompressed(long position, byte[] cluster) throws IOException {
        checkRange(position, clusterSize);
        contentWriter().writeCompressed(position, cluster, compression);
    }

    /** Grows the virtual size (qcow2 cannot shrink here). */
    public void resize(long newSize) throws IOException {
        contentWriter().resize(newSize);
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

    /** Kinds reported by {@link #status}. */
    public static final int UNALLOCATED = 0, ZEROED = 1, DATA = 2, COMPRESSED_DATA = 3;

    /**
     * How {@code position} is stored in this layer: writes the kind and host offset (or -1)
     * into {@code out} and returns how many bytes from {@code position} share that state
     * (to the end of the cluster or subcluster at most).
     */
    public long status(long position, long[] out) throws IOException {
        int inCluster = (int) (position & (clusterSize - 1));
        long run = Math.min(clusterSize - inCluster, header.size - position);
        out[1] = -1;
        long l2Offset = l1[(int) (position >>> (clusterBits + l2Bits))] & OFFSET_MASK;
        if (l2Offset == 0) { out[0] = UNALLOCATED; return run; }
        byte[] table = l2Table(l2Offset);
        int at = (int) ((position >>> clusterBits) & ((1L << l2Bits) - 1)) * entryBytes;
        long entry = (long) ClusterCache.LONG.get(table, at);
        long host = entry & OFFSET_MASK;
        if ((entry & COMPRESSED) != 0) { out[0] = COMPRESSED_DATA; out[1] = entry & coffsetMask; return run; }
        if (!extendedL2) {
            if ((entry & ZERO) != 0 && header.version >= 3) out[0] = ZEROED;
            else if (host == 0) out[0] = UNALLOCATED;
            else { out[0] = DATA; out[1] = host + inCluster; }
            return run;
        }
        long bitmap = (long) ClusterCache.LONG.get(table, at + 8);
        int sub = inCluster / subclusterSize;
        run = Math.min(run, (sub + 1L) * subclusterSize - inCluster);
        if ((bitmap >>> sub & 1) != 0 && host != 0) { out[0] = DATA; out[1] = host + inCluster; }
        else out[0] = (bitmap >>> (32 + sub) & 1) != 0 ? ZEROED : UNALLOCATED;
        return run;
    }

    /** Drops every mapping of the active layer (after a commit): all guest clusters read from the backing file again. */
    public void makeEmpty() throws IOException {
        contentWriter();
        flush();
        long[] old = l1.clone();
        Arrays.fill(l1, 0);
        ByteBuffer zeros = ByteBuffer.allocate(l1.length * 8);
        while (zeros.hasRemaining()) channel.write(zeros, header.l1TableOffset + zeros.position());
        refcounts.sync();
        new Qcow2Snapshots(this).updateTree(old, -1);
        refcounts.sync();
        l2Cache.clear();
        forgetCompressedCache();
    }

    /** Rewrites the backing file name and format in the header (rebase -u); null removes the backing file. */
    public void setBacking(String file, ImageFormat format) throws IOException {
        contentWriter();
        header.backingFile = file;
        header.backingFormat = file == null || format == null ? null : format.id();
        ByteBuffer cluster0 = header.encode();
        while (cluster0.hasRemaining()) channel.write(cluster0, cluster0.position());
        refcounts.sync();
        if (backing != null) backing.close();
        backing = null;
        openBacking(0, channel instanceof DirectChannel);
    }

    void forgetCompressedCache() { compressedCached = -1; }

    @Override
    public void close() throws IOException {
        try {
            if (!readOnly && channel.isOpen()) refcounts.releaseReserve();
            if (!readOnly && !unsafe && channel.isOpen()) channel.force(true);
        } finally {
            compression.close();
            channel.close();
            if (lock != null) lock.close();
            if (backing != null) backing.close();
        }
    }
}
