package dev.vireo.net.transport;

import dev.vireo.machine.nativeio.LibC;
import dev.vireo.machine.nativeio.NativeException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A listening Unix {@code SOCK_SEQPACKET} socket bound to a path. A stale socket file left by
 * a crashed server is replaced; a live one (something accepts on it) is an error naming it.
 */
public final class SeqpacketListener implements AutoCloseable {
    private final int fd;
    private final Path path;
    private final int capacity;
    private volatile boolean closed;

    private SeqpacketListener(int fd, Path path, int capacity) {
        this.fd = fd;
        this.path = path;
        this.capacity = capacity;
    }

    public static SeqpacketListener bind(Path path, int capacity) throws IOException {
        if (Files.exists(path)) {
            try (SeqpacketSocket probe = SeqpacketSocket.connect(path, 64)) {
                throw new IOException("another process already serves " + path + "; stop it first");
            } catch (IOException stale) {
                if (stale.getMessage().startsWith("another process")) throw stale;
                Files.deleteIfExists(path); // nobody listens: left over from a crash
            }
        }
        int fd = LibC.socket(LibC.AF_UNIX, LibC.SOCK_SEQPACKET);
        try {
            LibC.bindUnix(fd, path.toString());
            LibC.listen(fd, 64);
        } catch (NativeException | IllegalArgumentException e) {
            LibC.close(fd);
            throw new IOException("cannot listen on " + path + ": " + e.getMessage(), e);
        }
        return new SeqpacketListener(fd, path, capacity);
    }

    /** Waits for the next connection; throws once closed. */
    public SeqpacketSocket accept() throws IOException {
        try {
            return SeqpacketSocket.adopt(LibC.accept(fd), capacity);
        } catch (NativeException e) {
            throw new IOException(closed ? "listener closed" : "accept on " + path + " failed: " + e.getMessage(), e);
        }
    }

    public Path path() { return path; }

    public boolean isClosed() { return closed; }

    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        LibC.shutdown(fd); // wakes accept()
        LibC.close(fd);
        Files.deleteIfExists(path);
    }
}
