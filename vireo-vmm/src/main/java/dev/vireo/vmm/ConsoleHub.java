package dev.vireo.vmm;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console of one VM: guest output goes to the {@link ConsoleLog} and to every attached
 * client; bytes from any client go to the guest. A client that cannot keep up (its queue of
 * 1024 chunks is full) is disconnected rather than stalling the vCPU that writes the UART.
 *
 * <p>Threads: the guest's console device calls {@link #output()}'s write on a vCPU or device
 * thread; {@code vmm-console-accept} accepts clients; each client has a reader
 * ({@code vmm-console-in}) and a writer ({@code vmm-console-out}).
 */
public final class ConsoleHub implements AutoCloseable {
    /** What the hub does with bytes typed by a client. */
    public interface Input { void accept(byte[] bytes, int offset, int length); }

    private final ConsoleLog log;
    private final Input input;
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public ConsoleHub(ConsoleLog log, Input input) {
        this.log = log;
        this.input = input;
    }

    /** The stream the guest's console writes to. */
    public OutputStream output() {
        return new OutputStream() {
            @Override
            public void write(int b) { write(new byte[] {(byte) b}, 0, 1); }

            @Override
            public void write(byte[] b, int off, int len) {
                if (len == 0) return;
                try {
                    log.write(b, off, len);
                } catch (IOException e) {
                    System.err.println("vmm: console log write failed: " + e.getMessage());
                }
                byte[] chunk = java.util.Arrays.copyOfRange(b, off, off + len);
                for (Client c : clients) {
                    if (!c.queue.offer(chunk)) c.close();
                }
            }
        };
    }

    /** Accepts console clients on {@code server} until the hub closes. */
    public void serve(ServerSocketChannel server) {
        Thread.ofPlatform().daemon().name("vmm-console-accept").start(() -> {
            while (!closed) {
                try {
                    SocketChannel channel = server.accept();
                    new Client(channel).start();
                } catch (IOException e) {
                    if (!closed) System.err.println("vmm: console accept failed: " + e.getMessage());
                    return;
                }
            }
        });
    }

    /** Stops accepting; every client gets the output still queued for it (up to 1 s), then is disconnected. */
    @Override
    public void close() {
        closed = true;
        for (Client c : clients) c.draining = true;
        for (Client c : clients) {
            try {
                c.writer.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            c.close();
        }
    }

    private final class Client {
        final SocketChannel channel;
        final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(1024);
        volatile boolean draining;
        final Thread reader, writer;

        Client(SocketChannel channel) {
            this.channel = channel;
            this.reader = Thread.ofPlatform().daemon().name("vmm-console-in").unstarted(this::read);
            this.writer = Thread.ofPlatform().daemon().name("vmm-console-out").unstarted(this::write);
        }

        /** The writer runs before the client is visible to the hub, and the reader after: no output is lost. */
        void start() {
            writer.start();
            clients.add(this);
            reader.start();
        }

        private void read() {
            byte[] buffer = new byte[4096];
            try (InputStream in = ChannelStreams.input(channel)) {
                int n;
                while ((n = in.read(buffer, 0, buffer.length)) >= 0) {
                    if (n > 0) input.accept(buffer, 0, n);
                }
            } catch (IOException ignored) {
                // the client went away
            } finally {
                close();
            }
        }

        private void write() {
            OutputStream out = ChannelStreams.output(channel);
            try {
                while (channel.isOpen()) {
                    boolean last = draining; // read before polling: output queued before close() is still sent
                    byte[] chunk = queue.poll(last ? 0 : 50, java.util.concurrent.TimeUnit.MILLISECONDS);
                    if (chunk != null) out.write(chunk);
                    else if (last) return;
                }
            } catch (IOException | InterruptedException ignored) {
                // the client went away
            } finally {
                close();
            }
        }

        void close() {
            clients.remove(this);
            try {
                channel.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
