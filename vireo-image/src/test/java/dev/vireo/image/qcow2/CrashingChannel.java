package dev.vireo.image.qcow2;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A FileChannel that "crashes" at its n-th write: that write and every later write or
 * force fails, as if the process died there. What reached the file before stays.
 */
final class CrashingChannel extends FileChannel {
    private final FileChannel file;
    private int writesLeft;
    private int forces;

    CrashingChannel(FileChannel file, int writesBeforeCrash) {
        this.file = file;
        this.writesLeft = writesBeforeCrash;
    }

    boolean crashed() { return writesLeft < 0; }

    /** How many times force (fdatasync/fsync) was called. */
    int forces() { return forces; }

    private void step() throws IOException {
        if (--writesLeft < 0) throw new IOException("injected crash");
    }

    @Override public int write(ByteBuffer src, long position) throws IOException { step(); return file.write(src, position); }
    @Override public int write(ByteBuffer src) throws IOException { step(); return file.write(src); }
    @Override public long write(ByteBuffer[] srcs, int offset, int length) throws IOException { step(); return file.write(srcs, offset, length); }
    @Override public FileChannel truncate(long size) throws IOException { step(); file.truncate(size); return this; }
    @Override public void force(boolean metaData) throws IOException { forces++; if (writesLeft < 0) throw new IOException("injected crash"); file.force(metaData); }
    @Override public int read(ByteBuffer dst) throws IOException { return file.read(dst); }
    @Override public long read(ByteBuffer[] dsts, int offset, int length) throws IOException { return file.read(dsts, offset, length); }
    @Override public int read(ByteBuffer dst, long position) throws IOException { return file.read(dst, position); }
    @Override public long position() throws IOException { return file.position(); }
    @Override public FileChannel position(long p) throws IOException { file.position(p); return this; }
    @Override public long size() throws IOException { return file.size(); }
    @Override public long transferTo(long position, long count, WritableByteChannel target) throws IOException { return file.transferTo(position, count, target); }
    @Override public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException { step(); return file.transferFrom(src, position, count); }
    @Override public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException { throw new IOException("map not supported in tests"); }
    @Override public FileLock lock(long position, long size, boolean shared) throws IOException { return file.lock(position, size, shared); }
    @Override public FileLock tryLock(long position, long size, boolean shared) throws IOException { return file.tryLock(position, size, shared); }
    @Override protected void implCloseChannel() throws IOException { file.close(); }
}
