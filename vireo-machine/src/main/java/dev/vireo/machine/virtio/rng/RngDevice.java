package dev.vireo.machine.virtio.rng;

import dev.vireo.machine.memory.GuestMemory;
import dev.vireo.machine.virtio.DescriptorChain;
import dev.vireo.machine.virtio.QueueWorker;
import dev.vireo.machine.virtio.VirtioContext;
import dev.vireo.machine.virtio.VirtioDevice;
import dev.vireo.machine.virtio.VirtioFeatures;
import dev.vireo.machine.virtio.Virtqueue;
import dev.vireo.machine.virtio.VirtqueueException;

import java.security.SecureRandom;

/**
 * The virtio entropy device (virtio 1.2 §5.4, device ID 4): one request queue of
 * device-writable buffers, filled from the host's {@link SecureRandom} on the device's own
 * I/O thread ("vireo-rng-" + name), never on a vCPU thread. No feature bits of its own and
 * no configuration space.
 *
 * <p>§5.4.6.2 lets the device fill only part of a buffer; we cap each request at
 * {@link #MAX_BYTES_PER_REQUEST} so one greedy request cannot hog the thread.
 */
public final class RngDevice implements VirtioDevice {
    public static final int DEVICE_ID = 4;
    static final int MAX_BYTES_PER_REQUEST = 4096;
    private static final int QUEUE_SIZE = 64;

    private final SecureRandom random;
    private final byte[] buffer = new byte[MAX_BYTES_PER_REQUEST];
    private final DescriptorChain chain = new DescriptorChain(QUEUE_SIZE);
    private final QueueWorker worker;

    public RngDevice(String name) { this(name, new SecureRandom()); }

    public RngDevice(String name, SecureRandom random) {
        this.random = random;
        this.worker = new QueueWorker("vireo-rng-" + name, this::drain);
    }

    public Thread ioThread() { return worker.thread(); }

    @Override
    public int deviceId() { return DEVICE_ID; }

    @Override
    public long deviceFeatures() { return VirtioFeatures.CORE; }

    @Override
    public int queueCount() { return 1; }

    @Override
    public int queueMaxSize(int index) { return QUEUE_SIZE; }

    @Override
    public int configSize() { return 0; }

    @Override
    public long readConfig(int offset, int size) { return 0; }

    @Override
    public void activate(VirtioContext context) { worker.activate(context, () -> {}); }

    @Override
    public void notifyQueue(int index) { worker.kick(); }

    @Override
    public void reset() { worker.deactivate(() -> {}); }

    private void drain(VirtioContext context) throws VirtqueueException {
        Virtqueue queue = context.queue(0);
        if (!queue.isReady()) return;
        GuestMemory memory = context.memory();
        do {
            queue.disableNotifications();
            while (queue.pop(chain)) {
                // Readable buffers carry nothing for this device (§5.4.6.1); we skip them.
                int n = Math.min(chain.writableBytes(), buffer.length);
                random.nextBytes(buffer);
                chain.write(memory, 0, buffer, 0, n);
                queue.addUsed(chain.head(), n);
                if (queue.needsInterrupt()) context.signalUsedBuffers();
            }
        } while (queue.enableNotifications());
    }

    @Override
    public void close() { worker.close(); }
}
