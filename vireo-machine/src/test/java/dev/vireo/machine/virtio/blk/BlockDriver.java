package dev.vireo.machine.virtio.blk;

import dev.vireo.machine.memory.GuestMemory;
import dev.vireo.machine.virtio.FakeDriver;
import dev.vireo.machine.virtio.FakeDriver.Buffer;
import dev.vireo.machine.virtio.FakeDriver.Used;
import dev.vireo.machine.virtio.VirtioFeatures;

/**
 * The block half of a fake guest driver (virtio 1.2 §5.2.6): builds header / data / status
 * chains in guest memory and waits for their completion. Buffers are reused per call.
 */
final class BlockDriver {
    record Result(int status, int usedLength, byte[] data) {}

    final FakeDriver driver;
    final FakeDriver.Queue queue;
    final long features;
    private final GuestMemory memory;
    private final long header, status, data;
    private final int dataCapacity;
    boolean indirect;

    BlockDriver(FakeDriver driver, long features, int queueSize, int dataCapacity) {
        this.driver = driver;
        this.memory = driver.memory();
        if (!driver.negotiate(features)) throw new AssertionError("features refused");
        this.features = features;
        this.queue = driver.setupQueue(0, queueSize, VirtioFeatures.has(features, VirtioFeatures.EVENT_IDX));
        driver.driverOk();
        this.header = driver.alloc(16, 16);
        this.status = driver.alloc(1, 1);
        this.data = driver.alloc(dataCapacity, 4096);
        this.dataCapacity = dataCapacity;
    }

    static BlockDriver start(FakeDriver driver) {
        return new BlockDriver(driver, driver.deviceFeatures(), 64, 1 << 20);
    }

    private void writeHeader(int type, long sector) {
        memory.writeInt(header, type);
        memory.writeInt(header + 4, 0);
        memory.writeLong(header + 8, sector);
        memory.writeByte(status, (byte) 0x7F); // poison: the device must overwrite it
    }

    private Result submit(Buffer... buffers) {
        if (indirect) queue.postIndirect(buffers);
        else queue.post(buffers);
        queue.kick();
        Used used = queue.awaitUsed();
        driver.acknowledgeInterrupts();
        return new Result(memory.readByte(status), used.length(), null);
    }

    Result read(long sector, int length) {
        check(length);
        writeHeader(BlockRequestHandler.T_IN, sector);
        Result r = submit(Buffer.in(header, 16), Buffer.out(data, length), Buffer.out(status, 1));
        byte[] bytes = new byte[length];
        memory.read(data, bytes, 0, length);
        return new Result(r.status(), r.usedLength(), bytes);
    }

    /** Reads into several 512-byte segments, the way a scatter-gather list arrives. */
    Result readScattered(long sector, int segments) {
        writeHeader(BlockRequestHandler.T_IN, sector);
        Buffer[] buffers = new Buffer[segments + 2];
        buffers[0] = Buffer.in(header, 16);
        for (int i = 0; i < segments; i++) buffers[i + 1] = Buffer.out(data + 1024L * i, 512); // gaps between segments
        buffers[segments + 1] = Buffer.out(status, 1);
        Result r = submit(buffers);
        byte[] bytes = new byte[512 * segments];
        for (int i = 0; i < segments; i++) memory.read(data + 1024L * i, bytes, 512 * i, 512);
        return new Result(r.status(), r.usedLength(), bytes);
    }

    Result write(long sector, byte[] bytes) {
        check(bytes.length);
        writeHeader(BlockRequestHandler.T_OUT, sector);
        memory.write(data, bytes);
        return submit(Buffer.in(header, 16), Buffer.in(data, bytes.length), Buffer.out(status, 1));
    }

    Result flush() {
        writeHeader(BlockRequestHandler.T_FLUSH, 0);
        return submit(Buffer.in(header, 16), Buffer.out(status, 1));
    }

    Result getId(int length) {
        writeHeader(BlockRequestHandler.T_GET_ID, 0);
        memory.slice(data, length).fill((byte) 0x55);
        Result r = submit(Buffer.in(header, 16), Buffer.out(data, length), Buffer.out(status, 1));
        byte[] bytes = new byte[length];
        memory.read(data, bytes, 0, length);
        return new Result(r.status(), r.usedLength(), bytes);
    }

    /** DISCARD or WRITE_ZEROES with segments {sector, count, flags}. */
    Result ranges(int type, long[]... segments) {
        writeHeader(type, 0);
        for (int i = 0; i < segments.length; i++) {
            memory.writeLong(data + 16L * i, segments[i][0]);
            memory.writeInt(data + 16L * i + 8, (int) segments[i][1]);
            memory.writeInt(data + 16L * i + 12, (int) segments[i][2]);
        }
        return submit(Buffer.in(header, 16), Buffer.in(data, 16 * segments.length), Buffer.out(status, 1));
    }

    Result raw(int type, long sector) {
        writeHeader(type, sector);
        return submit(Buffer.in(header, 16), Buffer.out(status, 1));
    }

    private void check(int length) {
        if (length > dataCapacity) throw new IllegalArgumentException("data buffer too small");
    }
}
