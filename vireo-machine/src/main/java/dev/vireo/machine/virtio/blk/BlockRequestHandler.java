package dev.vireo.machine.virtio.blk;

import dev.vireo.image.DiskImage;
import dev.vireo.machine.memory.GuestMemory;
import dev.vireo.machine.virtio.DescriptorChain;
import dev.vireo.machine.virtio.VirtioContext;
import dev.vireo.machine.virtio.VirtioFeatures;
import dev.vireo.machine.virtio.Virtqueue;
import dev.vireo.machine.virtio.VirtqueueException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Serves virtio-blk requests (virtio 1.2 §5.2.6) from the request queue onto a
 * {@link DiskImage}. A request is one chain:
 *
 * <pre>
 * readable: le32 type; le32 reserved; le64 sector;  [OUT data | DISCARD/WRITE_ZEROES segments]
 * writable: [IN data | GET_ID serial]  u8 status
 * </pre>
 *
 * A chain without the 16-byte header or the status byte breaks the protocol (the device cannot
 * even report an error) and puts the device in NEEDS_RESET; every other problem — sectors
 * beyond the disk, unaligned lengths, writes to a read-only disk, host I/O errors — is
 * answered with IOERR, and unknown types or flags with UNSUPP.
 *
 * <p>Runs only on the device's I/O thread. Allocation-free per request: one bounce buffer
 * and one {@link DescriptorChain} are reused.
 */
final class BlockRequestHandler {
    static final int T_IN = 0, T_OUT = 1, T_FLUSH = 4, T_GET_ID = 8, T_DISCARD = 11, T_WRITE_ZEROES = 13;
    static final byte S_OK = 0, S_IOERR = 1, S_UNSUPP = 2;
    /** §5.2.6: flags of a discard / write-zeroes segment; only UNMAP is defined. */
    static final int RANGE_FLAG_UNMAP = 1;
    private static final int HEADER_SIZE = 16, RANGE_SIZE = 16;
    private static final int BOUNCE_SIZE = 1 << 20;

    private final DiskImage disk;
    private final boolean readOnly;
    private final BlockMetrics metrics;
    private final byte[] serial = new byte[BlockConfig.SERIAL_BYTES];
    private final byte[] bounce = new byte[BOUNCE_SIZE];
    private final DescriptorChain chain;
    private final long[] rangePosition = new long[BlockDevice.MAX_RANGE_SEGMENTS];
    private final long[] rangeBytes = new long[BlockDevice.MAX_RANGE_SEGMENTS];
    private final boolean[] rangeUnmap = new boolean[BlockDevice.MAX_RANGE_SEGMENTS];
    private GuestMemory memory;
    private long features;

    BlockRequestHandler(DiskImage disk, boolean readOnly, String serial, int queueSize, BlockMetrics metrics) {
        this.disk = disk;
        this.metrics = metrics;
        this.readOnly = readOnly;
        byte[] s = serial.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(s, 0, this.serial, 0, s.length); // zero-padded (§5.2.6: NUL-terminated if shorter)
        this.chain = new DescriptorChain(queueSize);
    }

    void activate(VirtioContext context) {
        memory = context.memory();
        features = context.features();
    }

    void deactivate() { memory = null; }

    /** Drains the request queue (§2.7.10 notification suppression while busy). */
    void drain(VirtioContext context) throws VirtqueueException {
        Virtqueue queue = context.queue(0);
        if (!queue.isReady()) return;
        do {
            queue.disableNotifications();
            while (queue.pop(chain)) {
                int written = serve(chain);
                queue.addUsed(chain.head(), written);
                if (queue.needsInterrupt()) context.signalUsedBuffers();
            }
        } while (queue.enableNotifications());
    }

    /** Serves one request; returns the bytes written into the chain (data + status). */
    private int serve(DescriptorChain c) throws VirtqueueException {
        if (c.readableBytes() < HEADER_SIZE || c.writableBytes() < 1) {
            throw new VirtqueueException("virtio-blk request without header or status byte (head " + c.head() + ")");
        }
        int type = (int) c.readLittleEndian(memory, 0, 4);
        long sector = c.readLittleEndian(memory, 8, 8);
        int statusOffset = c.writableBytes() - 1;
        int dataWritten = 0;
        byte status;
        try {
            switch (type) {
                case T_IN -> {
                    status = transfer(c, sector, statusOffset, false);
                    if (status == S_OK) dataWritten = statusOffset;
                }
                case T_OUT -> status = transfer(c, sector, c.readableBytes() - HEADER_SIZE, true);
                case T_FLUSH -> {
                    disk.flush(); // durable: DiskImage.flush syncs data, then metadata
                    status = S_OK;
                }
                case T_GET_ID -> {
                    dataWritten = Math.min(BlockConfig.SERIAL_BYTES, statusOffset);
                    c.write(memory, 0, serial, 0, dataWritten);
                    status = S_OK;
                }
                case T_DISCARD -> status = negotiated(BlockDevice.F_DISCARD) ? ranges(c, false) : S_UNSUPP;
                case T_WRITE_ZEROES -> status = negotiated(BlockDevice.F_WRITE_ZEROES) ? ranges(c, true) : S_UNSUPP;
                default -> status = S_UNSUPP;
            }
        } catch (IOException e) {
            status = S_IOERR;
            dataWritten = 0;
        }
        count(type, status, type == T_IN ? dataWritten : 0, type == T_OUT && status == S_OK ? c.readableBytes() - HEADER_SIZE : 0);
        c.writeByte(memory, statusOffset, status);
        return dataWritten + 1;
    }

    private void count(int type, byte status, int read, int written) {
        switch (type) {
            case T_IN -> metrics.readRequests.incrementAndGet();
            case T_OUT -> metrics.writeRequests.incrementAndGet();
            case T_FLUSH -> metrics.flushRequests.incrementAndGet();
            case T_DISCARD, T_WRITE_ZEROES -> metrics.discardRequests.incrementAndGet();
            default -> { }
        }
        if (read > 0) metrics.bytesRead.addAndGet(read);
        if (written > 0) metrics.bytesWritten.addAndGet(written);
        if (status == S_IOERR) metrics.ioErrors.incrementAndGet();
        else if (status == S_UNSUPP) metrics.unsupported.incrementAndGet();
    }

    private boolean negotiated(int feature) { return VirtioFeatures.has(features, feature); }

    /** True iff [sector, sector + bytes/512) is inside the disk; {@code sector} is unsigned. */
    private boolean inBounds(long sector, long bytes) {
        long capacity = disk.size() / BlockDevice.SECTOR_SIZE;
        return Long.compareUnsigned(sector, capacity) <= 0 && bytes / BlockDevice.SECTOR_SIZE <= capacity - sector;
    }

    /** IN (device → guest) or OUT (guest → device) of {@code length} data bytes, through the bounce buffer. */
    private byte transfer(DescriptorChain c, long sector, int length, boolean toDisk) throws IOException {
        // §5.2.6.1: data length is a multiple of 512; §5.2.6.2: RO devices fail writes untouched.
        if (length % BlockDevice.SECTOR_SIZE != 0 || !inBounds(sector, length)) return S_IOERR;
        if (toDisk && readOnly) return S_IOERR;
        long position = sector * BlockDevice.SECTOR_SIZE;
        for (int done = 0; done < length; ) {
            int n = Math.min(bounce.length, length - done);
            if (toDisk) {
                c.read(memory, HEADER_SIZE + done, bounce, 0, n);
                disk.write(position + done, bounce, 0, n);
            } else {
                disk.read(position + done, bounce, 0, n);
                c.write(memory, done, bounce, 0, n);
            }
            done += n;
        }
        return S_OK;
    }

    /** DISCARD or WRITE_ZEROES: an array of {le64 sector; le32 num_sectors; le32 flags} (§5.2.6). */
    private byte ranges(DescriptorChain c, boolean zeroes) throws IOException {
        int payload = c.readableBytes() - HEADER_SIZE;
        int count = payload / RANGE_SIZE;
        if (payload % RANGE_SIZE != 0 || count == 0 || count > BlockDevice.MAX_RANGE_SEGMENTS) return S_IOERR;
        if (readOnly) return S_IOERR;
        // Validate every segment before touching the disk, so a bad request changes nothing;
        // keep the values read, since the guest may rewrite its buffer meanwhile.
        for (int i = 0; i < count; i++) {
            int at = HEADER_SIZE + i * RANGE_SIZE;
            long sector = c.readLittleEndian(memory, at, 8);
            long sectors = c.readLittleEndian(memory, at + 8, 4);
            int flags = (int) c.readLittleEndian(memory, at + 12, 4);
            // §5.2.6.2: unknown flags, or UNMAP on a discard, are UNSUPP.
            if ((flags & ~RANGE_FLAG_UNMAP) != 0 || (!zeroes && flags != 0)) return S_UNSUPP;
            if (sectors > BlockDevice.MAX_RANGE_SECTORS || !inBounds(sector, sectors * BlockDevice.SECTOR_SIZE)) return S_IOERR;
            rangePosition[i] = sector * BlockDevice.SECTOR_SIZE;
            rangeBytes[i] = sectors * BlockDevice.SECTOR_SIZE;
            rangeUnmap[i] = flags == RANGE_FLAG_UNMAP;
        }
        for (int i = 0; i < count; i++) {
            if (rangeBytes[i] == 0) continue;
            if (zeroes) disk.writeZeroes(rangePosition[i], rangeBytes[i], rangeUnmap[i]);
            else disk.discard(rangePosition[i], rangeBytes[i]);
        }
        return S_OK;
    }
}
