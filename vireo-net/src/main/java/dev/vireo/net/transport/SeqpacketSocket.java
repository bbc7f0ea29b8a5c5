package dev.vireo.net.transport;

import dev.vireo.machine.nativeio.LibC;
import dev.vireo.machine.nativeio.NativeException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * A Unix-domain {@code SOCK_SEQPACKET} socket: reliable, ordered, connection-oriented, and
 * message boundaries preserved, so one Ethernet frame is one message with no framing of our
 * own (unix(7)). The file descriptor never leaves this class.
 *
 * <p>Threads: one thread may {@link #receive} while another {@link #send}s; each direction
 * has its own native buffer and errno slot, so neither allocates per frame. {@link #close}
 * from any thread wakes both (shutdown before close).
 */
public final class SeqpacketSocket implements AutoCloseable {
    private final int fd;
    private final Arena arena = Arena.ofAuto(); // freed by the GC once the socket is unreachable
    private final MemorySegment sendBuffer, receiveBuffer, sendState, receiveState;
    private final int capacity;
    private volatile boolean closed;

    private SeqpacketSocket(int fd, int capacity) {
        this.fd = fd;
        this.capacity = capacity;
        this.sendBuffer = arena.allocate(capacity);
        this.receiveBuffer = arena.allocate(capacity);
        this.sendState = LibC.allocateCallState(arena);
        this.receiveState = LibC.allocateCallState(arena);
    }

    /** Connects to a listening socket at {@code path}; messages up to {@code capacity} bytes. */
    public static SeqpacketSocket connect(Path path, int capacity) throws IOException {
        int fd = LibC.socket(LibC.AF_UNIX, LibC.SOCK_SEQPACKET);
        try {
            LibC.connectUnix(fd, path.toString());
        } catch (NativeException e) {
            LibC.close(fd);
            throw new IOException(switch (e.errno()) {
                case LibC.ENOENT -> "no network socket at " + path + "; start the network with 'vireo net serve'";
                case LibC.ECONNREFUSED -> "nothing listens on " + path + " (stale socket); restart 'vireo net serve'";
                case LibC.EACCES, LibC.EPERM -> "no permission to connect to " + path + "; check its owner and mode";
                default -> e.getMessage();
            }, e);
        }
        return new SeqpacketSocket(fd, capacity);
    }

    /** Wraps an accepted connection. */
    static SeqpacketSocket adopt(int fd, int capacity) {
        return new SeqpacketSocket(fd, capacity);
    }

    /** Sends one message; throws when the peer is gone. Messages above capacity are refused. */
    public synchronized void send(byte[] data, int offset, int length) throws IOException {
        if (length > capacity) throw new IOException("message of " + length + " bytes exceeds " + capacity);
        if (closed) throw new IOException("socket closed");
        MemorySegment.copy(data, offset, sendBuffer, ValueLayout.JAVA_BYTE, 0, length);
        try {
            LibC.send(fd, sendBuffer, length, LibC.MSG_NOSIGNAL, sendState);
        } catch (NativeException e) {
            throw new IOException("peer closed the connection (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Receives one message into {@code into}; returns its full length (which may exceed
     * {@code into.length}: the excess was discarded, the caller treats it as oversized),
     * or -1 at end of stream.
     */
    public int receive(byte[] into) throws IOException {
        long n;
        try {
            n = LibC.recv(fd, receiveBuffer, capacity, LibC.MSG_TRUNC, receiveState);
        } catch (NativeException e) {
            if (closed) return -1;
            throw new IOException("receive failed: " + e.getMessage(), e);
        }
        if (n == 0) return -1; // seqpacket: 0 means orderly shutdown (empty messages are never sent)
        int copy = (int) Math.min(n, Math.min(capacity, into.length));
        MemorySegment.copy(receiveBuffer, ValueLayout.JAVA_BYTE, 0, into, 0, copy);
        return (int) Math.min(n, Integer.MAX_VALUE);
    }

    /** Whether close() was called. */
    public boolean isClosed() { return closed; }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        LibC.shutdown(fd);
        LibC.close(fd);
    }
}
