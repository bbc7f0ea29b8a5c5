package dev.vireo.image;

import com.sun.nio.file.ExtendedOpenOption;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file opened with {@code O_DIRECT}, QEMU's {@code cache=none}: reads and writes bypass the
 * host page cache. O_DIRECT wants the file offset, the length and the buffer address aligned to
 * the file system's block size. Requests that already are (the direct buffers of bulk copies and
 * whole-cluster I/O) go straight to the file; the others bounce through an aligned buffer, as in
 * QEMU's block layer: a read reads the enclosing aligned range, a write reads the partial first
 * and last blocks, merges and writes the whole blocks (and trims the file again when the rounded-up
 * write grew it). Durability is unchanged: O_DIRECT skips the page cache, not the device's write
 * cache, so {@link #force} is still an fdatasync.
 *
 * <p>Positional I/O only matters here (the images use nothing else). The bounce path is
 * synchronized, but two writers of one block would still race in read-modify-write: an image has
 * one I/O thread.
 */
public final class DirectChannel extends FileChannel {
    private static final int BOUNCE = 1 << 20;
    private final FileChannel file;
    private final int align;
    private final ByteBuffer bounce;
    private long position;

    private DirectChannel(FileChannel file, int align) {
        this.file = file;
        this.align = align;
        this.bounce = ByteBuffer.allocateDirect(BOUNCE + align).alignedSlice(align);
    }

    /**
     * Opens {@code path} with O_DIRECT, or fails with an {@link ImageException} that names the
     * file system when it has no direct I/O (as QEMU: "filesystem does not support O_DIRECT").
     */
    public static DirectChannel open(Path path, boolean readOnly) throws IOException {
        int align = (int) Math.max(4096, Files.getFileStore(path).getBlockSize());
        OpenOption[] options = readOnly
                ? new OpenOption[] {StandardOpenOption.READ, ExtendedOpenOption.DIRECT}
                : new OpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT};
        try {
            return new DirectChannel(FileChannel.open(path, options), align);
        } catch (NoSuchFileException | AccessDeniedException e) {
            throw e;
        } catch (IOException | UnsupportedOperationException e) {
            throw new ImageException("cannot open '" + path + "' with cache=none: its file system ("
                    + Files.getFileStore(path).type() + ") does not support O_DIRECT (" + e.getMessage()
                    + "); use cache=writeback, or move the image to a file system with direct I/O");
        }
    }

    /** The alignment of offsets, lengths and buffer addresses that the file needs. */
    public int alignment() { return align; }

    private boolean aligned(ByteBuffer b, long at) {
        return b.isDirect() && (at & (align - 1)) == 0 && (b.remaining() & (align - 1)) == 0
                && (MemorySegment.ofBuffer(b).address() & (align - 1)) == 0;
    }

    @Override
    public int read(ByteBuffer dst, long at) throws IOException {
        if (!dst.hasRemaining()) return 0;
        if (aligned(dst, at)) return file.read(dst, at);
        synchronized (this) {
            long start = at & -align;
            int skip = (int) (at - start);
            int span = (int) Math.min(roundUp(skip + dst.remaining()), bounce.capacity());
            int n = fill(start, 0, span);
            if (n <= skip) return -1;
            int copy = Math.min(dst.remaining(), n - skip);
            dst.put(dst.position(), bounce, skip, copy);
            dst.position(dst.position() + copy);
            return copy;
        }
    }

    @Override
    public int write(ByteBuffer src, long at) throws IOException {
        if (!src.hasRemaining()) return 0;
        if (aligned(src, at)) return file.write(src, at);
        synchronized (this) {
            long start = at & -align;
            int skip = (int) (at - start);
            int length = Math.min(src.remaining(), bounce.capacity() - skip);
            long end = at + length;
            int span = (int) (roundUp(end) - start);
            long sizeBefore = -1;
            if (skip != 0) fill(start, 0, align);
            if ((end & (align - 1)) != 0) {
                sizeBefore = file.size();
                if (span > align || skip == 0) fill(start + span - align, span - align, align);
            }
            bounce.put(skip, src, src.position(), length);
            ByteBuffer out = bounce.duplicate().clear().limit(span);
            while (out.hasRemaining()) file.write(out, start + out.position());
            if (sizeBefore >= 0 && start + span > sizeBefore) file.truncate(Math.max(sizeBefore, end));
            src.position(src.position() + length);
            return length;
        }
    }

    /**
     * Reads {@code length} bytes of the file at {@code from} (aligned) into the bounce buffer at
     * {@code offset} (aligned), zeros past the end of the file; returns the bytes the file had.
     */
    private int fill(long from, int offset, int length) throws IOException {
        ByteBuffer in = bounce.duplicate().clear().position(offset).limit(offset + length);
        while (in.hasRemaining()) {
            int n = file.read(in, from + in.position() - offset);
            if (n <= 0 || (in.position() & (align - 1)) != 0) break; // end of file (a short read)
        }
        int got = in.position() - offset;
        while (in.hasRemaining()) in.put((byte) 0);
        return got;
    }

    private long roundUp(long n) { return (n + align - 1) & -align; }

    @Override
    public synchronized int read(ByteBuffer dst) throws IOException {
        int n = read(dst, position);
        if (n > 0) position += n;
        return n;
    }

    @Override
    public synchronized int write(ByteBuffer src) throws IOException {
        int n = write(src, position);
        position += n;
        return n;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            while (dsts[i].hasRemaining()) {
                int n = read(dsts[i]);
                if (n < 0) return total == 0 ? -1 : total;
                total += n;
            }
        }
        return total;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) while (srcs[i].hasRemaining()) total += write(srcs[i]);
        return total;
    }

    @Override public synchronized long position() { return position; }

    @Override
    public synchronized FileChannel position(long newPosition) {
        if (newPosition < 0) throw new IllegalArgumentException("negative position");
        position = newPosition;
        return this;
    }

    @Override public long size() throws IOException { return file.size(); }

    @Override
    public FileChannel truncate(long size) throws IOException {
        file.truncate(size);
        return this;
    }

    @Override public void force(boolean metaData) throws IOException { file.force(metaData); }

    @Override
    public long transferTo(long at, long count, WritableByteChannel target) throws IOException {
        ByteBuffer b = ByteBuffer.allocateDirect((int) Math.min(count, BOUNCE));
        long done = 0;
        while (done < count) {
            int n = read(b.clear().limit((int) Math.min(b.capacity(), count - done)), at + done);
            if (n < 0) break;
            b.flip();
            while (b.hasRemaining()) target.write(b);
            done += n;
        }
        return done;
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long at, long count) throws IOException {
        ByteBuffer b = ByteBuffer.allocateDirect((int) Math.min(count, BOUNCE));
        long done = 0;
        while (done < count) {
            int n = src.read(b.clear().limit((int) Math.min(b.capacity(), count - done)));
            if (n <= 0) break;
            b.flip();
            while (b.hasRemaining()) write(b, at + done + b.position());
            done += n;
        }
        return done;
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long at, long size) throws IOException { return file.map(mode, at, size); }

    @Override public FileLock lock(long at, long size, boolean shared) throws IOException { return file.lock(at, size, shared); }

    @Override public FileLock tryLock(long at, long size, boolean shared) throws IOException { return file.tryLock(at, size, shared); }

    @Override protected void implCloseChannel() throws IOException { file.close(); }
}
