package dev.vireo.net.transport;

import dev.vireo.machine.net.FrameLink;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The NIC side of a switch connection: a {@link FrameLink} that attaches as port
 * {@code portName} and survives a switch restart by reconnecting (backoff 50 ms doubling to
 * 2 s). While disconnected, frames sent are dropped and counted (as a cable pulled out
 * would), never queued without bound.
 *
 * <p>Threads: {@link #send} from the NIC's I/O thread; one reader thread owns connecting and
 * receiving and delivers frames to the receiver.
 */
public final class SwitchClient implements FrameLink {
    private static final long MIN_BACKOFF_MS = 50, MAX_BACKOFF_MS = 2_000;

    private final Path socketPath;
    private final String portName;
    private final int capacity;
    private final AtomicLong sentFrames = new AtomicLong(), droppedFrames = new AtomicLong(),
            receivedFrames = new AtomicLong(), connects = new AtomicLong();
    private volatile SeqpacketSocket socket;
    private volatile boolean closed;
    private volatile String lastError = "";
    private Thread reader;
    private volatile Runnable linkListener;

    /** Connects once now, so that a wrong path or name fails at start-up with its reason. */
    public static SwitchClient connect(Path socketPath, String portName, int maxFrame) throws IOException {
        SwitchClient client = new SwitchClient(socketPath, portName, maxFrame + 1);
        client.socket = client.open();
        return client;
    }

    private SwitchClient(Path socketPath, String portName, int capacity) {
        this.socketPath = socketPath;
        this.portName = portName;
        this.capacity = capacity;
    }

    private SeqpacketSocket open() throws IOException {
        SeqpacketSocket s = SeqpacketSocket.connect(socketPath, capacity);
        try {
            Handshake.greet(s, new Handshake(Handshake.Role.PORT, portName));
        } catch (IOException | RuntimeException e) {
            s.close();
            throw new IOException("switch at " + socketPath + " refused port '" + portName + "': " + e.getMessage(), e);
        }
        connects.incrementAndGet();
        return s;
    }

    @Override
    public synchronized void start(Receiver receiver) {
        if (reader != null) throw new IllegalStateException("already started");
        reader = Thread.ofPlatform().name("nic-" + portName + "-switch").daemon(true).start(() -> run(receiver));
    }

    private void run(Receiver receiver) {
        byte[] buffer = new byte[capacity];
        long backoff = MIN_BACKOFF_MS;
        while (!closed) {
            SeqpacketSocket s = socket;
            if (s == null) {
                try {
                    socket = s = open();
                    backoff = MIN_BACKOFF_MS;
                    linkChanged(); // reconnected: the guest sees its link come back
                } catch (IOException e) {
                    lastError = e.getMessage();
                    LockSupport.parkNanos(backoff * 1_000_000);
                    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
                    continue;
                }
            }
            try {
                int n;
                while ((n = s.receive(buffer)) >= 0) {
                    if (n > buffer.length) continue; // the switch never sends these; ignore
                    receivedFrames.incrementAndGet();
                    receiver.receive(buffer, 0, n);
                }
            } catch (IOException e) {
                lastError = e.getMessage();
            }
            s.close();
            socket = null; // the switch went away: reconnect
            if (!closed) linkChanged(); // the guest sees its link go down meanwhile
        }
    }

    private void linkChanged() {
        Runnable l = linkListener;
        if (l != null) l.run();
    }

    @Override
    public boolean linkUp() { return socket != null; }

    @Override
    public void onLinkChange(Runnable listener) { this.linkListener = listener; }

    @Override
    public boolean send(byte[] frame, int offset, int length) {
        SeqpacketSocket s = socket;
        if (s == null || length >= capacity) {
            droppedFrames.incrementAndGet();
            return false;
        }
        try {
            s.send(frame, offset, length);
            sentFrames.incrementAndGet();
            return true;
        } catch (IOException e) {
            droppedFrames.incrementAndGet();
            return false;
        }
    }

    /** Whether a connection is up right now. */
    public boolean connected() {
        return socket != null;
    }

    /** How many times a connection was established (1 + reconnections). */
    public long connects() { return connects.get(); }
    public long sentFrames() { return sentFrames.get(); }
    public long droppedFrames() { return droppedFrames.get(); }
    public long receivedFrames() { return receivedFrames.get(); }
    public String lastError() { return lastError; }

    @Override
    public String describe() {
        return "switch port '" + portName + "' at " + socketPath;
    }

    @Override
    public void close() {
        closed = true;
        SeqpacketSocket s = socket;
        if (s != null) s.close();
        Thread t;
        synchronized (this) {
            t = reader;
        }
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
