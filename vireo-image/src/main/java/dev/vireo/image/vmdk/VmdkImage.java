package dev.vireo.image.vmdk;

import dev.vireo.image.ImageException;
import dev.vireo.image.ReadOnlyImage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A hosted sparse VMDK extent, read-only (VMware "Virtual Disk Format 1.1", sparse extent):
 * monolithicSparse (plain grains) and streamOptimized (zlib-compressed grains behind a
 * 12-byte grain marker, grain directory in the footer when {@code gdOffset} is -1).
 * <pre>
 *  0 magic "KDMV" 4 version 8 flags 12 capacity (sectors, u64) 20 grainSize (sectors, u64)
 * 28 descriptorOffset 36 descriptorSize 44 numGTEsPerGT (u32) 48 rgdOffset 56 gdOffset 64 overHead
 * 77 compressAlgorithm (u16)                                  -- all little-endian
 * </pre>
 */
public final class VmdkImage extends ReadOnlyImage {
    private static final int MAGIC = 0x564d444b;
    private static final long GD_AT_END = -1;
    private final FileChannel channel;
    private final long capacity, grainBytes;
    private final int entriesPerTable;
    private final boolean compressed;
    private final long[] grainDirectory;
    private final long fileSize;
    private final byte[] grain, compressedBuffer;
    private final ByteBuffer tableBuffer;
    private long cachedTable = -1, cachedGrain = -1;
    private final Inflater inflater = new Inflater();

    private VmdkImage(String name, FileChannel channel, ByteBuffer h) throws IOException {
        super(name);
        this.channel = channel;
        this.fileSize = channel.size();
        int flags = h.getInt(8);
        capacity = h.getLong(12) * 512;
        grainBytes = h.getLong(20) * 512;
        entriesPerTable = h.getInt(44);
        long gdOffset = h.getLong(56);
        compressed = (flags & (1 << 16)) != 0 && h.getShort(77) == 1;
        if (grainBytes <= 0 || grainBytes > (1 << 24) || Long.bitCount(grainBytes) != 1 || entriesPerTable <= 0 || entriesPerTable > (1 << 16)
                || capacity < 0 || gdOffset <= 0 || gdOffset * 512 >= fileSize)
            throw new ImageException("'" + name + "' has an invalid VMDK header (grain size, table size or directory offset); the file is damaged");
        long tables = (capacity / grainBytes + entriesPerTable - 1) / entriesPerTable;
        if (tables > (1 << 24)) throw new ImageException("'" + name + "' VMDK capacity is implausibly large; the file is damaged");
        ByteBuffer gd = ByteBuffer.allocate((int) tables * 4).order(ByteOrder.LITTLE_ENDIAN);
        while (gd.hasRemaining() && channel.read(gd, gdOffset * 512 + gd.position()) > 0) { }
        grainDirectory = new long[(int) tables];
        for (int i = 0; i < tables; i++) grainDirectory[i] = gd.getInt(i * 4) & 0xffffffffL;
        grain = new byte[(int) grainBytes];
        compressedBuffer = new byte[(int) grainBytes * 2 + 1024];
        tableBuffer = ByteBuffer.allocate(entriesPerTable * 4).order(ByteOrder.LITTLE_ENDIAN);
    }

    public static VmdkImage open(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            ByteBuffer h = readHeader(ch, 0);
            if (h.getInt(0) != MAGIC) throw new ImageException("'" + path + "' is not a sparse VMDK (no KDMV magic); pass the right -f format");
            if (h.getLong(56) == GD_AT_END) {
                if (ch.size() < 1536) throw new ImageException("'" + path + "' is a truncated streamOptimized VMDK (no footer)");
                h = readHeader(ch, ch.size() - 1024);
                if (h.getInt(0) != MAGIC) throw new ImageException("'" + path + "' streamOptimized VMDK footer is missing; the file is truncated");
            }
            return new VmdkImage(path.toString(), ch, h);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static ByteBuffer readHeader(FileChannel ch, long at) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        while (h.hasRemaining() && ch.read(h, at + h.position()) > 0) { }
        return h;
    }

    @Override public long size() { return capacity; }

    @Override
    public void read(long position, byte[] buffer, int offset, int length) throws IOException {
        checkRange(position, length);
        while (length > 0) {
            long index = position / grainBytes;
            int inGrain = (int) (position % grainBytes);
            int n = (int) Math.min(length, grainBytes - inGrain);
            long sector = grainSector(index);
            if (sector <= 1) Arrays.fill(buffer, offset, offset + n, (byte) 0);
            else if (compressed) {
                loadCompressed(sector);
                System.arraycopy(grain, inGrain, buffer, offset, n);
            } else readAt(sector * 512 + inGrain, buffer, offset, n);
            position += n;
            offset += n;
            length -= n;
        }
    }

    private long grainSector(long index) throws IOException {
        int table = (int) (index / entriesPerTable);
        long tableSector = grainDirectory[table];
        if (tableSector == 0) return 0;
        if (tableSector != cachedTable) {
            cachedTable = -1;
            if (tableSector * 512 + tableBuffer.capacity() > fileSize)
                throw new ImageException("grain table " + table + " of '" + name + "' lies beyond the end of the file; the file is truncated");
            tableBuffer.clear();
            while (tableBuffer.hasRemaining() && channel.read(tableBuffer, tableSector * 512 + tableBuffer.position()) > 0) { }
            cachedTable = tableSector;
        }
        long s = tableBuffer.getInt((int) (index % entriesPerTable) * 4) & 0xffffffffL;
        if (s > 1 && s * 512 >= fileSize)
            throw new ImageException("grain " + index + " of '" + name + "' points beyond the end of the file; the file is truncated");
        return s;
    }

    private void loadCompressed(long sector) throws IOException {
        if (sector == cachedGrain) return;
        cachedGrain = -1;
        ByteBuffer marker = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        while (marker.hasRemaining() && channel.read(marker, sector * 512 + marker.position()) > 0) { }
        int size = marker.getInt(8);
        if (size <= 0 || size > compressedBuffer.length)
            throw new ImageException("compressed grain at sector " + sector + " of '" + name + "' has invalid size " + size + "; the file is damaged");
        readAt(sector * 512 + 12, compressedBuffer, 0, size);
        inflater.reset();
        inflater.setInput(compressedBuffer, 0, size);
        try {
            int n = 0;
            while (n < grain.length && !inflater.finished()) {
                int k = inflater.inflate(grain, n, grain.length - n);
                if (k == 0 && (inflater.needsInput() || inflater.needsDictionary())) break;
                n += k;
            }
            Arrays.fill(grain, n, grain.length, (byte) 0);
        } catch (DataFormatException e) {
            throw new ImageException("compressed grain at sector " + sector + " of '" + name + "' is not valid zlib data; the file is damaged", e);
        }
        cachedGrain = sector;
    }

    private void readAt(long at, byte[] buffer, int offset, int length) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(buffer, offset, length);
        while (b.hasRemaining()) if (channel.read(b, at + b.position() - offset) < 0) break;
        Arrays.fill(buffer, b.position(), offset + length, (byte) 0);
    }

    @Override
    public void close() throws IOException {
        inflater.end();
        channel.close();
    }
}
