package dev.vireo.net.uplink;

import dev.vireo.machine.net.FrameLink;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * NAT through passt (Debian package {@code passt}): an unprivileged user-mode network stack
 * that gives the guest DHCP, DNS, NDP, outbound TCP/UDP/ICMP through the host's sockets and
 * host→guest port forwards. Vireo starts one passt per NIC, in the foreground as a child
 * process, and speaks its Unix stream protocol (the one of QEMU's {@code -netdev stream}):
 *
 * <pre>
 *  each frame, both ways:  | length (u32, big-endian) | Ethernet frame (length bytes) |
 * </pre>
 *
 * The guest gets the host's address and gateway (passt copies them); connecting to the
 * gateway address reaches the host's loopback. passt is told {@code --mtu 1500}: its default
 * (65520) would let a guest send frames larger than virtio-net's 1522-byte limit. Why passt rather than libslirp is in
 * docs/networking.md. Threads: {@link #send} from the NIC's I/O thread; a reader thread.
 */
public final class PasstUplink implements FrameLink {
    private static final int MAX_FRAME = 65535 + 14;

    private final Process process;
    private final SocketChannel channel;
    private final Path directory;
    private final ByteBuffer header = ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN);
    private final ByteBuffer[] pair = new ByteBuffer[2];
    private final AtomicLong sent = new AtomicLong(), dropped = new AtomicLong();
    private volatile boolean closed;
    private Thread reader;

    private PasstUplink(Process process, SocketChannel channel, Path directory) {
        this.process = process;
        this.channel = channel;
        this.directory = directory;
    }

    /** Starts passt with {@code forwards} and connects to it; {@code name} labels threads and logs. */
    public static PasstUplink start(String name, List<PortForward> forwards) throws IOException {
        String passt = findPasst();
        Path directory = Files.createTempDirectory("vireo-passt-", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Path socket = directory.resolve("s");
        Path log = directory.resolve("log");
        // passt refuses to keep root and runs as "nobody": let that user create the socket.
        if (isRoot()) {
            UserPrincipalLookupService users = directory.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(directory, users.lookupPrincipalByName("nobody"));
        }
        List<String> command = new ArrayList<>(List.of(passt, "--foreground", "--one-off", "--stderr", "--mtu", "1500",
                "--socket", socket.toString()));
        for (PortForward f : forwards) {
            command.add(f.protocol() == PortForward.Protocol.TCP ? "--tcp-ports" : "--udp-ports");
            command.add(f.passtSpec());
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        SocketChannel channel = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (channel == null) {
            if (!process.isAlive()) {
                String why = Files.exists(log) ? Files.readAllLines(log).stream()
                        .filter(l -> !l.startsWith("Failed to send") && !l.contains("Changing to nobody"))
                        .reduce((a, b) -> a + "; " + b).orElse("") : "";
                deleteTree(directory);
                throw new IOException("passt exited with status " + process.exitValue() + (why.isEmpty() ? "" : ": " + why)
                        + "; check the hostfwd ports are free");
            }
            if (Files.exists(socket)) {
                try {
                    channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                    channel.connect(UnixDomainSocketAddress.of(socket));
                } catch (IOException e) {
                    if (channel != null) channel.close();
                    channel = null;
                }
            }
            if (channel == null) {
                if (System.nanoTime() > deadline) {
                    process.destroy();
                    deleteTree(directory);
                    throw new IOException("passt did not open its socket within 10 s");
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    process.destroy();
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while starting passt", e);
                }
            }
        }
        return new PasstUplink(process, channel, directory);
    }

    private static String findPasst() throws IOException {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, "passt");
            if (Files.isExecutable(p)) return p.toString();
        }
        if (Files.isExecutable(Path.of("/usr/bin/passt"))) return "/usr/bin/passt";
        throw new IOException("NAT networking needs passt: install it (apt-get install passt) or use --nic switch=NAME");
    }

    private static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    @Override
    public synchronized void start(Receiver receiver) {
        if (reader != null) throw new IllegalStateException("already started");
        reader = Thread.ofPlatform().name("nic-passt-reader").daemon(true).start(() -> run(receiver));
    }

    private void run(Receiver receiver) {
        ByteBuffer length = ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN);
        byte[] frame = new byte[MAX_FRAME];
        ByteBuffer body = ByteBuffer.wrap(frame);
        try {
            while (!closed) {
                length.clear();
                if (!readFully(length)) return;
                int n = length.getInt(0);
                if (n < 0 || n > MAX_FRAME) return; // passt never does this; stop rather than desynchronise
                body.clear().limit(n);
                if (!readFully(body)) return;
                receiver.receive(frame, 0, n);
            }
        } catch (IOException e) {
            // passt exited or the link was closed.
        }
    }

    private boolean readFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) if (channel.read(b) < 0) return false;
        return true;
    }

    @Override
    public boolean send(byte[] frame, int offset, int length) {
        if (closed || length < 14 || length > MAX_FRAME) {
            dropped.incrementAndGet();
            return false;
        }
        synchronized (header) {
            try {
                header.clear();
                header.putInt(0, length);
                pair[0] = header;
                pair[1] = ByteBuffer.wrap(frame, offset, length);
                while (pair[1].hasRemaining()) channel.write(pair);
                sent.incrementAndGet();
                return true;
            } catch (IOException e) {
                dropped.incrementAndGet();
                return false;
            }
        }
    }

    public long sentFrames() { return sent.get(); }

    public long droppedFrames() { return dropped.get(); }

    /** Whether the passt process is still running. */
    public boolean alive() { return process.isAlive(); }

    @Override
    public String describe() {
        return "NAT (passt pid " + process.pid() + ")";
    }

    @Override
    public void close() {
        closed = true;
        try {
            channel.close(); // with --one-off, passt exits when its client goes
        } catch (IOException e) {
            // Already closed.
        }
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroy();
                process.waitFor(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        deleteTree(directory);
    }

    private static void deleteTree(Path directory) {
        try (var files = Files.list(directory)) {
            for (Path p : files.toList()) Files.deleteIfExists(p);
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            // A temporary directory left behind is harmless.
        }
    }
}
