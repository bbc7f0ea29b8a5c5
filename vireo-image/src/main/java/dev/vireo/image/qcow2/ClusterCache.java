package dev.vireo.image.qcow2;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * A small LRU of metadata clusters (L2 tables, refcount blocks) as {@code byte[]}, keyed by
 * host offset. Lookup scans a few slots and allocates nothing, so the cluster-lookup hot path
 * stays allocation-free. Write-through: callers update the bytes here and write the changed
 * entry to the file themselves, so nothing in the cache is ever dirty.
 */
final class ClusterCache {
    static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);

    private final FileChannel channel;
    private final int clusterSize;
    private final long[] keys;
    private final long[] lastUse;
    private final byte[][] data;
    private long clock;

    ClusterCache(FileChannel channel, int clusterSize, int slots) {
        this.channel = channel;
        this.clusterSize = clusterSize;
        this.keys = new long[slots];
        this.lastUse = new long[slots];
        this.data = new byte[slots][];
        Arrays.fill(keys, -1);
    }

    /** The cluster at {@code offset}, read from the file on a miss (beyond EOF reads as zeros). */
    byte[] get(long offset) throws IOException {
        int victim = 0;
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] == offset) {
                lastUse[i] = ++clock;
                return data[i];
            }
            if (lastUse[i] < lastUse[victim]) victim = i;
        }
        byte[] d = data[victim];
        if (d == null) d = data[victim] = new byte[clusterSize];
        keys[victim] = -1;
        readFully(channel, d, offset);
        keys[victim] = offset;
        lastUse[victim] = ++clock;
        return d;
    }

    /** Installs freshly written contents for {@code offset} without reading the file. */
    void put(long offset, byte[] contents) {
        int victim = 0;
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] == offset) { victim = i; break; }
            if (lastUse[i] < lastUse[victim]) victim = i;
        }
        if (data[victim] == null) data[victim] = new byte[clusterSize];
        System.arraycopy(contents, 0, data[victim], 0, clusterSize);
        keys[victim] = offset;
        lastUse[victim] = ++clock;
    }

    void invalidate(long offset) {
        for (int i = 0; i < keys.length; i++) if (keys[i] == offset) keys[i] = -1;
    }

    void clear() { Arrays.fill(keys, -1); }

    static void readFully(FileChannel ch, byte[] into, long offset) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(into);
        while (b.hasRemaining()) {
            int n = ch.read(b, offset + b.position());
            if (n < 0) {
                Arrays.fill(into, b.position(), into.length, (byte) 0);
                return;
            }
        }
    }

    static void writeFully(FileChannel ch, byte[] from, int off, int len, long position) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(from, off, len);
        while (b.hasRemaining()) ch.write(b, position + b.position() - off);
    }
}
