package dev.vireo.net.uplink;

import dev.vireo.machine.nativeio.LibC;
import dev.vireo.machine.nativeio.NativeException;
import dev.vireo.machine.net.FrameLink;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Linux TAP interface ({@code /dev/net/tun}, {@code IFF_TAP | IFF_NO_PI}: each read or write
 * is one Ethernet frame, no packet-information prefix). Creating one needs root or
 * CAP_NET_ADMIN. The device disappears when it is closed (not persistent).
 *
 * <pre>
 * struct ifreq (linux/if.h, 40 bytes): char ifr_name[16] @0; short ifr_flags @16; …
 * ioctl(fd, TUNSETIFF = _IOW('T', 202, int) = 0x400454CA, &amp;ifreq)
 * </pre>
 *
 * Threads: {@link #send} from one writer thread; a reader thread polls (200 ms) so that
 * {@link #close} stops it promptly.
 */
public final class TapDevice implements FrameLink {
    private static final int IFREQ_SIZE = 40, MAX_FRAME = 65535;

    private final int fd;
    private final String name;
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment writeBuffer = arena.allocate(MAX_FRAME), writeState = LibC.allocateCallState(arena);
    private final AtomicLong sent = new AtomicLong(), dropped = new AtomicLong();
    private volatile boolean closed;
    private Thread reader;

    private TapDevice(int fd, String name) {
        this.fd = fd;
        this.name = name;
    }

    /** Creates TAP interface {@code name} (down, no address) and opens it. */
    public static TapDevice create(String name) {
        IpCommand.checkName("TAP interface", name);
        int fd;
        try {
            fd = LibC.open("/dev/net/tun", LibC.O_RDWR);
        } catch (NativeException e) {
            throw new UplinkException("cannot open /dev/net/tun (" + e.getMessage() + "): "
                    + (e.errno() == LibC.ENOENT ? "load the tun module (modprobe tun)" : "TAP networking needs root or CAP_NET_ADMIN"), e,
                    e.errno() != LibC.ENOENT);
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ifreq = a.allocate(IFREQ_SIZE);
            byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
            MemorySegment.copy(bytes, 0, ifreq, ValueLayout.JAVA_BYTE, 0, bytes.length);
            ifreq.set(ValueLayout.JAVA_SHORT, 16, (short) (LibC.IFF_TAP | LibC.IFF_NO_PI));
            LibC.ioctl(fd, LibC.TUNSETIFF, ifreq, "TUNSETIFF " + name);
        } catch (NativeException e) {
            LibC.close(fd);
            boolean privilege = e.errno() == LibC.EPERM || e.errno() == LibC.EACCES;
            String fix = privilege
                    ? "creating TAP '" + name + "' needs root or CAP_NET_ADMIN; run as root, or use --nic nat or switch=NAME"
                    : "creating TAP '" + name + "' failed (" + e.getMessage() + "); is the name in use by another device?";
            throw new UplinkException(fix, e, privilege);
        }
        return new TapDevice(fd, name);
    }

    public String name() { return name; }

    @Override
    public synchronized void start(Receiver receiver) {
        if (reader != null) throw new IllegalStateException("already started");
        reader = Thread.ofPlatform().name("tap-" + name).daemon(true).start(() -> run(receiver));
    }

    private void run(Receiver receiver) {
        try (Arena local = Arena.ofConfined()) {
            MemorySegment buffer = local.allocate(MAX_FRAME), state = LibC.allocateCallState(local), pollfd = local.allocate(8);
            byte[] frame = new byte[MAX_FRAME];
            while (!closed) {
                if (!LibC.pollReadable(fd, 200, pollfd, state)) continue;
                if (closed) return;
                long n = LibC.read(fd, buffer, MAX_FRAME, state);
                if (n <= 0) continue;
                MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, frame, 0, (int) n);
                receiver.receive(frame, 0, (int) n);
            }
        } catch (NativeException e) {
            // The device went away (deleted by an administrator): stop reading.
        }
    }

    @Override
    public synchronized boolean send(byte[] frame, int offset, int length) {
        if (closed || length < 14 || length > MAX_FRAME) {
            dropped.incrementAndGet();
            return false;
        }
        MemorySegment.copy(frame, offset, writeBuffer, ValueLayout.JAVA_BYTE, 0, length);
        try {
            LibC.write(fd, writeBuffer, length, writeState);
            sent.incrementAndGet();
            return true;
        } catch (NativeException e) {
            dropped.incrementAndGet(); // EIO while the interface is down: like an unplugged cable
            return false;
        }
    }

    public long sentFrames() { return sent.get(); }

    public long droppedFrames() { return dropped.get(); }

    @Override
    public String describe() {
        return "TAP " + name;
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            if (closed) return;
            closed = true;
            t = reader;
        }
        if (t != null) {
            try {
                t.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            LibC.close(fd); // the kernel deletes the (non-persistent) interface
        }
    }
}
