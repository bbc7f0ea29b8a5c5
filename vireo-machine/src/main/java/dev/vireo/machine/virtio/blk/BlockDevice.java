package dev.vireo.machine.virtio.blk;

import dev.vireo.image.DiskImage;
import dev.vireo.machine.virtio.QueueWorker;
import dev.vireo.machine.virtio.VirtioContext;
import dev.vireo.machine.virtio.VirtioDevice;
import dev.vireo.machine.virtio.VirtioFeatures;

/**
 * A virtio block device (virtio 1.2 §5.2, device ID 2) in front of a {@link DiskImage}: one
 * request queue, served on its own I/O thread ("vireo-blk-" + name) by a
 * {@link BlockRequestHandler}. Offers SEG_MAX, BLK_SIZE, FLUSH, DISCARD and WRITE_ZEROES (or RO
 * for a read-only disk), with INDIRECT_DESC and EVENT_IDX from the core.
 *
 * <p>The caller keeps ownership of the disk and closes it after the device.
 *
 * <p>Configuration space (§5.2.4), the fields we fill:
 * <pre>
 * 0  le64 capacity (512-byte sectors)   12 le32 seg_max            20 le32 blk_size
 * 36 le32 max_discard_sectors           40 le32 max_discard_seg    44 le32 discard_sector_alignment
 * 48 le32 max_write_zeroes_sectors      52 le32 max_write_zeroes_seg 56 u8 write_zeroes_may_unmap
 * </pre>
 */
public final class BlockDevice implements VirtioDevice {
    public static final int DEVICE_ID = 2;
    // §5.2.3 feature bits.
    public static final int F_SEG_MAX = 2, F_RO = 5, F_BLK_SIZE = 6, F_FLUSH = 9, F_DISCARD = 13, F_WRITE_ZEROES = 14;
    static final int SECTOR_SIZE = 512;
    /** Limits we advertise for DISCARD / WRITE_ZEROES: 2 GiB per segment, 32 segments per request. */
    static final int MAX_RANGE_SECTORS = 1 << 22, MAX_RANGE_SEGMENTS = 32, DISCARD_ALIGNMENT_SECTORS = 8;
    static final int CONFIG_SIZE = 60;

    private final BlockConfig config;
    private final DiskImage disk;
    private final boolean readOnly;
    private final long features;
    private final BlockRequestHandler handler;
    private final QueueWorker worker;
    private final BlockMetrics metrics = new BlockMetrics();

    public BlockDevice(BlockConfig config, DiskImage disk) {
        this.config = config;
        this.disk = disk;
        this.readOnly = config.readOnly() || disk.readOnly();
        long f = VirtioFeatures.CORE | bit(F_SEG_MAX) | bit(F_BLK_SIZE) | bit(F_FLUSH);
        f |= readOnly ? bit(F_RO) : bit(F_DISCARD) | bit(F_WRITE_ZEROES);
        this.features = f;
        this.handler = new BlockRequestHandler(disk, readOnly, config.serial(), config.queueSize(), metrics);
        this.worker = new QueueWorker("vireo-blk-" + config.name(), handler::drain);
    }

    private static long bit(int b) { return 1L << b; }

    public BlockConfig config() { return config; }

    public boolean readOnly() { return readOnly; }

    public BlockMetrics metrics() { return metrics; }

    /** The I/O thread serving this device's queue. */
    public Thread ioThread() { return worker.thread(); }

    @Override
    public int deviceId() { return DEVICE_ID; }

    @Override
    public long deviceFeatures() { return features; }

    @Override
    public int queueCount() { return 1; }

    @Override
    public int queueMaxSize(int index) { return config.queueSize(); }

    @Override
    public int configSize() { return CONFIG_SIZE; }

    @Override
    public long readConfig(int offset, int size) {
        long value = 0;
        for (int b = 0; b < size; b++) value |= (configByte(offset + b) & 0xFFL) << (8 * b);
        return value;
    }

    private int configByte(int offset) {
        long field;
        int base;
        if (offset < 8) { field = disk.size() / SECTOR_SIZE; base = 0; }
        else if (offset >= 12 && offset < 16) { field = config.queueSize() - 2; base = 12; } // header and status take 2
        else if (offset >= 20 && offset < 24) { field = SECTOR_SIZE; base = 20; }
        else if (offset >= 36 && offset < 40) { field = MAX_RANGE_SECTORS; base = 36; }
        else if (offset >= 40 && offset < 44) { field = MAX_RANGE_SEGMENTS; base = 40; }
        else if (offset >= 44 && offset < 48) { field = DISCARD_ALIGNMENT_SECTORS; base = 44; }
        else if (offset >= 48 && offset < 52) { field = MAX_RANGE_SECTORS; base = 48; }
        else if (offset >= 52 && offset < 56) { field = MAX_RANGE_SEGMENTS; base = 52; }
        else if (offset == 56) { field = 1; base = 56; }
        else return 0;
        return (int) (field >>> (8 * (offset - base))) & 0xFF;
    }

    @Override
    public void activate(VirtioContext context) {
        worker.activate(context, () -> handler.activate(context));
    }

    @Override
    public void notifyQueue(int index) { worker.kick(); }

    @Override
    public void reset() { worker.deactivate(handler::deactivate); }

    /**
     * Stops the I/O thread. The {@link DiskImage} stays open: whoever opened it owns it, since
     * it outlives this device (a guest reboot builds a new machine around the same disk).
     */
    @Override
    public void close() { worker.close(); }
}
