package dev.vireo.image.raw;

import dev.vireo.image.DirectChannel;
import dev.vireo.image.DiskImage;
import dev.vireo.image.ImageException;
import dev.vireo.image.ImageLock;
import dev.vireo.image.Preallocation;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A raw image: the file is the disk, byte for byte. Thin (sparse file) or thick (fallocate'd
 * or zero-filled). Discard punches a hole when the file system can, else writes zeros.
 * One I/O thread at a time.
 */
public final class RawImage implements DiskImage {
    private static final int ZERO_CHUNK = 1 << 20;
    private final Path path;
    private final FileChannel channel;
    private FileSpace space; // opened on the first writeZeroes/discard
    private boolean spaceOpened;
    private ImageLock lock; // held while open for writing
    private final boolean readOnly;
    private long size;

    private RawImage(Path path, FileChannel channel, boolean readOnly) throws IOException {
        this.path = path;
        this.channel = channel;
        this.readOnly = readOnly;
        this.size = channel.size();
    }

    public static RawImage open(Path path, boolean readOnly) throws IOException { return open(path, readOnly, false); }

    /** Opens with O_DIRECT ({@code cache=none}, see {@link DirectChannel}) when {@code directIo}. */
    public static RawImage open(Path path, boolean readOnly, boolean directIo) throws IOException {
        if (!Files.isRegularFile(path) && !Files.exists(path))
            throw new ImageException("image '" + path + "' does not exist; create it with 'vireo img create'");
        FileChannel ch = directIo ? DirectChannel.open(path, readOnly)
                : readOnly ? FileChannel.open(path, StandardOpenOption.READ)
                : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            RawImage image = new RawImage(path, ch, readOnly);
            if (!readOnly) image.lock = ImageLock.forWriting(path);
            return image;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Creates a raw image of {@code size} bytes, sparse or preallocated. */
    public static void create(Path path, long size, Preallocation prealloc) throws IOException {
        if (prealloc == Preallocation.METADATA)
            throw new ImageException("preallocation=metadata is for qcow2; use off, falloc or full for raw");
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.READ)) {
            switch (prealloc) {
                case OFF, METADATA -> ch.truncate(0);
                case FALLOC -> {
                    try (FileSpace s = FileSpace.open(path)) {
                        if (s == null || !s.allocate(0, size)) writeZeros(ch, 0, size);
                    }
                }
                case FULL -> writeZeros(ch, 0, size);
            }
            setLength(ch, size);
            ch.force(true);
        }
    }

    static void setLength(FileChannel ch, long size) throws IOException {
        if (ch.size() > size) ch.truncate(size);
        else if (ch.size() < size) ch.write(ByteBuffer.allocate(1), size - 1);
    }

    static void writeZeros(FileChannel ch, long position, long length) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(ZERO_CHUNK, Math.max(length, 1)));
        long done = 0;
        while (done < length) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), length - done));
            while (zeros.hasRemaining()) done += ch.write(zeros, position + done);
        }
    }

    public Path path() { return path; }

    @Override public long size() { return size; }

    @Override public boolean readOnly() { return readOnly; }

    @Override
    public void read(long position, byte[] buffer, int offset, int length) throws IOException {
        checkRange(position, length);
        ByteBuffer b = ByteBuffer.wrap(buffer, offset, length);
        while (b.hasRemaining()) {
            int n = channel.read(b, position + b.position() - offset);
            if (n < 0) { // file shorter than its size (another writer truncated it): zeros
                java.util.Arrays.fill(buffer, b.position(), offset + length, (byte) 0);
                break;
            }
        }
    }

    @Override
    public void write(long position, byte[] buffer, int offset, int length) throws IOException {
        checkWritable();
        checkRange(position, length);
        ByteBuffer b = ByteBuffer.wrap(buffer, offset, length);
        while (b.hasRemaining()) channel.write(b, position + b.position() - offset);
    }

    @Override
    public void read(long position, ByteBuffer into) throws IOException {
        checkRange(position, into.remaining());
        long start = position - into.position();
        while (into.hasRemaining()) {
            if (channel.read(into, start + into.position()) < 0) { // file shorter than its size: zeros
                while (into.hasRemaining()) into.put((byte) 0);
            }
        }
    }

    @Override
    public void write(long position, ByteBuffer from) throws IOException {
        checkWritable();
        checkRange(position, from.remaining());
        long start = position - from.position();
        while (from.hasRemaining()) channel.write(from, start + from.position());
    }

    @Override
    public void flush() throws IOException {
        if (!readOnly) channel.force(false);
    }

    @Override
    public void discard(long position, long length) throws IOException {
        writeZeroes(position, length, true);
    }

    @Override
    public void writeZeroes(long position, long length, boolean mayUnmap) throws IOException {
        checkWritable();
        checkRange(position, length);
        if (!spaceOpened) {
            space = FileSpace.open(path);
            spaceOpened = true;
        }
        if (space != null && space.punchHole(position, length)) {
            if (!mayUnmap) space.allocate(position, length); // keep the range thick
            return;
        }
        writeZeros(channel, position, length);
    }

    /** Grows or shrinks the disk. */
    public void resize(long newSize) throws IOException {
        checkWritable();
        setLength(channel, newSize);
        size = newSize;
    }

    private void checkWritable() throws ImageException {
        if (readOnly) throw new ImageException("image '" + path + "' is open read-only; reopen it writable");
    }

    private void checkRange(long position, long length) throws ImageException {
        if (position < 0 || length < 0 || position + length > size)
            throw new ImageException("access [" + position + ", +" + length + ") is outside image '" + path
                    + "' of " + size + " bytes; resize it with 'vireo img resize'");
    }

    @Override
    public void close() throws IOException {
        if (space != null) space.close();
        channel.close();
        if (lock != null) lock.close();
    }
}
