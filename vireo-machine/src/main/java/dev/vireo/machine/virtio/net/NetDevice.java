package dev.vireo.machine.virtio.net;

import dev.vireo.machine.memory.GuestMemory;
import dev.vireo.machine.net.FrameLink;
import dev.vireo.machine.virtio.DescriptorChain;
import dev.vireo.machine.virtio.QueueWorker;
import dev.vireo.machine.virtio.VirtioContext;
import dev.vireo.machine.virtio.VirtioDevice;
import dev.vireo.machine.virtio.VirtioFeatures;
import dev.vireo.machine.virtio.Virtqueue;
import dev.vireo.machine.virtio.VirtqueueException;

/**
 * The virtio network device (virtio 1.2 §5.1, device ID 1): queue 0 receive, queue 1
 * transmit, no control queue. Features: MAC (the address in config space), STATUS (the
 * link's state: {@link FrameLink#linkUp()}, e.g. down while a switch restarts; a change raises
 * the configuration-change interrupt, so the guest's carrier follows) and MRG_RXBUF (a frame may span several receive buffers). No offloads: the
 * guest computes checksums and never sends segments above the MTU.
 *
 * <pre>
 * config (§5.1.4):  mac[6] @0 | le16 status @6 (1 = VIRTIO_NET_S_LINK_UP)
 * each buffer:      virtio_net_hdr_v1 (12 bytes: flags, gso_type, hdr_len, gso_size,
 *                   csum_start, csum_offset, le16 num_buffers @10) then the Ethernet frame
 * </pre>
 *
 * <p>Threads: vCPU threads only kick the device's I/O thread ("vireo-net-" + name), which
 * moves frames between the queues and the {@link FrameLink}. Frames from the network arrive
 * on the link's thread and wait in a bounded {@link ReceiveRing} until the guest posts
 * buffers; when it is full they are dropped and counted, so a flood from the network (or a
 * guest that never reads) cannot grow host memory. Transmit is bounded by the queue size.
 */
public final class NetDevice implements VirtioDevice {
    public static final int DEVICE_ID = 1;
    public static final int F_MAC = 5, F_MRG_RXBUF = 15, F_STATUS = 16;
    static final int HEADER = 12, CONFIG_SIZE = 8, STATUS_LINK_UP = 1;
    /** Largest frame moved either way: MTU 1500 + Ethernet header + one VLAN tag. */
    public static final int MAX_FRAME = 1522;
    private static final int RECEIVE = 0, TRANSMIT = 1, QUEUE_SIZE = 256;

    private final NetConfig config;
    private final FrameLink link;
    private final NetMetrics metrics = new NetMetrics();
    private final ReceiveRing ring;
    private final QueueWorker worker;
    private final DescriptorChain chain = new DescriptorChain(QUEUE_SIZE);
    private final byte[] frame = new byte[HEADER + MAX_FRAME];
    private final byte[] header = new byte[HEADER];
    private final int[] heads = new int[QUEUE_SIZE], usedLengths = new int[QUEUE_SIZE];
    private volatile boolean active;
    private volatile VirtioContext context;
    private boolean mergeable; // guarded by the worker lock

    public NetDevice(NetConfig config, FrameLink link) {
        this.config = config;
        this.link = link;
        this.ring = new ReceiveRing(config.receiveRingFrames(), MAX_FRAME);
        this.worker = new QueueWorker("vireo-net-" + config.name(), this::drain);
        link.start(this::fromNetwork);
        link.onLinkChange(this::linkChanged);
    }

    /** On the link's thread: tell an active driver to re-read the status field. */
    private void linkChanged() {
        VirtioContext c = context;
        if (active && c != null) {
            metrics.linkChanges.incrementAndGet();
            c.signalConfigChange();
        }
    }

    public NetMetrics metrics() { return metrics; }

    public FrameLink link() { return link; }

    public Thread ioThread() { return worker.thread(); }

    @Override
    public int deviceId() { return DEVICE_ID; }

    @Override
    public long deviceFeatures() {
        return VirtioFeatures.CORE | VirtioFeatures.bit(F_MAC) | VirtioFeatures.bit(F_STATUS) | VirtioFeatures.bit(F_MRG_RXBUF);
    }

    @Override
    public int queueCount() { return 2; }

    @Override
    public int queueMaxSize(int index) { return QUEUE_SIZE; }

    @Override
    public int configSize() { return CONFIG_SIZE; }

    @Override
    public long readConfig(int offset, int size) {
        return VirtioDevice.littleEndian(this::configByte, offset, size);
    }

    private int configByte(int offset) {
        if (offset < 6) return (int) (config.mac() >>> (40 - 8 * offset));
        if (offset == 6) return link.linkUp() ? STATUS_LINK_UP : 0;
        return 0;
    }

    @Override
    public void activate(VirtioContext context) {
        worker.activate(context, () -> {
            mergeable = VirtioFeatures.has(context.features(), F_MRG_RXBUF);
            ring.clear();
            this.context = context;
            active = true;
        });
    }

    @Override
    public void notifyQueue(int index) { worker.kick(); }

    @Override
    public void reset() {
        worker.deactivate(() -> {
            active = false;
            ring.clear();
        });
    }

    /** On the link's thread: keep the frame for the guest, or drop and count it. */
    private void fromNetwork(byte[] data, int offset, int length) {
        if (!active) return; // no driver yet: the cable is "unplugged"
        if (length < 14 || !ring.offer(data, offset, length)) {
            metrics.rxDropped.incrementAndGet();
            return;
        }
        worker.kick();
    }

    private void drain(VirtioContext context) throws VirtqueueException {
        boolean signal = transmit(context);
        signal |= receive(context);
        if (signal) context.signalUsedBuffers();
    }

    /** Sends every frame the guest queued; returns whether the driver wants an interrupt. */
    private boolean transmit(VirtioContext context) throws VirtqueueException {
        Virtqueue queue = context.queue(TRANSMIT);
        if (!queue.isReady()) return false;
        GuestMemory memory = context.memory();
        boolean used = false;
        do {
            queue.disableNotifications();
            while (queue.pop(chain)) {
                int total = chain.readableBytes();
                int length = total - HEADER;
                if (length < 14 || length > MAX_FRAME) {
                    metrics.txDropped.incrementAndGet(); // runt or oversized: never reaches the network
                } else {
                    chain.read(memory, HEADER, frame, 0, length);
                    if (link.send(frame, 0, length)) {
                        metrics.txFrames.incrementAndGet();
                        metrics.txBytes.addAndGet(length);
                    } else {
                        metrics.txDropped.incrementAndGet();
                    }
                }
                queue.addUsed(chain.head(), 0);
                used = true;
            }
        } while (queue.enableNotifications());
        return used && queue.needsInterrupt();
    }

    /** Moves waiting frames into the guest's receive buffers; returns whether to interrupt. */
    private boolean receive(VirtioContext context) throws VirtqueueException {
        Virtqueue queue = context.queue(RECEIVE);
        if (!queue.isReady()) return false;
        GuestMemory memory = context.memory();
        boolean used = false;
        byte[] data;
        while ((data = ring.peek()) != null) {
            int length = ring.peekLength();
            if (!queue.pop(chain)) {
                // No buffers: wait for the driver to post some (it kicks queue 0), unless it
                // raced us and already did.
                if (queue.enableNotifications()) continue;
                break;
            }
            deliver(memory, queue, data, length);
            ring.remove();
            used = true;
        }
        return used && queue.needsInterrupt();
    }

    /**
     * Writes one frame into the popped chain and, under MRG_RXBUF, as many more chains as it
     * needs (§5.1.6.4); then publishes the used entries in order, first buffer first, with
     * num_buffers patched into the first buffer's header.
     */
    private void deliver(GuestMemory memory, Virtqueue queue, byte[] data, int length) throws VirtqueueException {
        int room = chain.writableBytes();
        if (room < HEADER || (!mergeable && room < HEADER + length)) {
            queue.addUsed(chain.head(), 0); // a buffer too small for the frame: the frame is lost
            metrics.rxDropped.incrementAndGet();
            return;
        }
        java.util.Arrays.fill(header, (byte) 0);
        header[10] = 1; // num_buffers, patched below if the frame spans more buffers
        chain.write(memory, 0, header, 0, HEADER);
        int copied = Math.min(length, room - HEADER);
        chain.write(memory, HEADER, data, 0, copied);
        long numBuffersLow = writableAddress(10), numBuffersHigh = writableAddress(11);
        heads[0] = chain.head();
        usedLengths[0] = HEADER + copied;
        int buffers = 1;
        while (copied < length && buffers < heads.length) {
            if (!queue.pop(chain)) {
                metrics.rxTruncated.incrementAndGet(); // out of buffers mid-frame; the guest drops it
                break;
            }
            int n = Math.min(length - copied, chain.writableBytes());
            chain.write(memory, 0, data, copied, n);
            heads[buffers] = chain.head();
            usedLengths[buffers] = n;
            copied += n;
            buffers++;
        }
        if (buffers > 1) {
            memory.writeByte(numBuffersLow, (byte) buffers);
            memory.writeByte(numBuffersHigh, (byte) (buffers >>> 8));
        }
        for (int i = 0; i < buffers; i++) queue.addUsed(heads[i], usedLengths[i]);
        metrics.rxFrames.incrementAndGet();
        metrics.rxBytes.addAndGet(length);
    }

    /** The guest address of writable byte {@code offset} of the current chain. */
    private long writableAddress(int offset) {
        for (int i = chain.readableCount(); i < chain.count(); i++) {
            if (offset < chain.length(i)) return chain.address(i) + offset;
            offset -= chain.length(i);
        }
        throw new IllegalStateException("offset beyond the chain's writable bytes");
    }

    @Override
    public void close() {
        worker.close();
        link.close();
    }
}
