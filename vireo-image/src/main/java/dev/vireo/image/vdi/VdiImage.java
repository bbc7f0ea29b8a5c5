package dev.vireo.image.vdi;

import dev.vireo.image.ImageException;
import dev.vireo.image.ReadOnlyImage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A VirtualBox VDI image (version 1.1), dynamic or fixed, read-only. Little-endian header:
 * <pre>
 * 0x40 signature 0xbeda107f  0x44 version  0x48 header size  0x4c type (1 dynamic, 2 fixed)
 * 0x154 offset of the block map  0x158 offset of data  0x170 disk size (u64)
 * 0x178 block size  0x17c block extra data  0x180 blocks in image
 * </pre>
 * Block map entries are block numbers; 0xffffffff means unallocated, 0xfffffffe zero; both read as zero.
 */
public final class VdiImage extends ReadOnlyImage {
    private static final int SIGNATURE = 0xbeda107f;
    private final FileChannel channel;
    private final long diskSize, dataOffset, blockSize, blockStride;
    private final int[] blockMap;

    private VdiImage(String name, FileChannel ch, ByteBuffer h) throws IOException {
        super(name);
        this.channel = ch;
        long mapOffset = h.getInt(0x154) & 0xffffffffL;
        diskSize = h.getLong(0x170);
        blockSize = h.getInt(0x178) & 0xffffffffL;
        long extra = h.getInt(0x17c) & 0xffffffffL;
        long blocks = h.getInt(0x180) & 0xffffffffL;
        blockStride = blockSize + extra;
        if (blockSize == 0 || blockSize > (1 << 28) || blocks * blockSize < diskSize || blocks > (1 << 26) || mapOffset + blocks * 4 > ch.size())
            throw new ImageException("'" + name + "' has an invalid VDI header (block size, count or map offset); the file is damaged");
        ByteBuffer map = ByteBuffer.allocate((int) blocks * 4).order(ByteOrder.LITTLE_ENDIAN);
        while (map.hasRemaining() && ch.read(map, mapOffset + map.position()) > 0) { }
        blockMap = new int[(int) blocks];
        for (int i = 0; i < blocks; i++) blockMap[i] = map.getInt(i * 4);
        dataOffset = (h.getInt(0x158) & 0xffffffffL) + extra;
    }

    public static VdiImage open(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            ByteBuffer h = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
            while (h.hasRemaining() && ch.read(h, h.position()) > 0) { }
            if (h.getInt(0x40) != SIGNATURE) throw new ImageException("'" + path + "' is not a VDI image (bad signature); pass the right -f format");
            if ((h.getInt(0x44) >>> 16) != 1) throw new ImageException("'" + path + "' is VDI version " + Integer.toHexString(h.getInt(0x44)) + "; only 1.x is supported");
            return new VdiImage(path.toString(), ch, h);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    @Override public long size() { return diskSize; }

    @Override
    public void read(long position, byte[] buffer, int offset, int length) throws IOException {
        checkRange(position, length);
        while (length > 0) {
            int block = (int) (position / blockSize);
            int inBlock = (int) (position % blockSize);
            int n = (int) Math.min(length, blockSize - inBlock);
            int entry = blockMap[block];
            if (entry == -1 || entry == -2) {
                Arrays.fill(buffer, offset, offset + n, (byte) 0);
            } else {
                long at = dataOffset + (entry & 0xffffffffL) * blockStride + inBlock;
                if (at + n > channel.size()) throw new ImageException("block " + block + " of '" + name + "' lies beyond the end of the file; the file is truncated");
                ByteBuffer b = ByteBuffer.wrap(buffer, offset, n);
                while (b.hasRemaining()) if (channel.read(b, at + b.position() - offset) < 0) break;
            }
            position += n;
            offset += n;
            length -= n;
        }
    }

    @Override
    public void close() throws IOException { channel.close(); }
}
