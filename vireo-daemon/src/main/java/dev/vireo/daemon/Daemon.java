package dev.vireo.daemon;

import dev.vireo.daemon.api.Api;
import dev.vireo.daemon.api.ConsoleStreams;
import dev.vireo.daemon.disk.DiskManager;
import dev.vireo.daemon.http.HttpServer;
import dev.vireo.daemon.network.NetworkManager;
import dev.vireo.daemon.registry.Registry;
import dev.vireo.daemon.vm.VmManager;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * vireod: opens the registry, starts the switches of its named networks, reattaches to running VMMs, and serves the REST API on
 * VIREO_HOME/run/api.sock (owner-only) and, when configured, on TCP with a bearer token
 * (and TLS when given a certificate). {@link #close} stops serving; running VMs keep running.
 */
public final class Daemon implements AutoCloseable {
    private final DaemonConfig config;
    private final Registry registry;
    private final VmManager vms;
    private final NetworkManager networks;
    private final HttpServer unix;
    private final HttpServer tcp;
    private final int tcpPort;
    private final FileChannel lock;

    private Daemon(DaemonConfig config, Registry registry, VmManager vms, NetworkManager networks, HttpServer unix, HttpServer tcp,
                   int tcpPort, FileChannel lock) {
        this.lock = lock;
        this.networks = networks;
        this.config = config;
        this.registry = registry;
        this.vms = vms;
        this.unix = unix;
        this.tcp = tcp;
        this.tcpPort = tcpPort;
    }

    public static Daemon start(DaemonConfig config, String version) throws IOException, SQLException {
        VireoHome home = config.home();
        home.create();
        FileChannel lockFile = FileChannel.open(home.run().resolve("vireod.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockFile.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockFile.close();
            throw new IOException("another vireod is running on VIREO_HOME " + home.root() + "; stop it first or use another VIREO_HOME");
        }
        Registry registry;
        try {
            registry = Registry.open(home.registry());
        } catch (SQLException | RuntimeException e) {
            lockFile.close();
            throw e;
        }
        NetworkManager networks = new NetworkManager(home, registry);
        try {
            DiskManager disks = new DiskManager(home, registry);
            // Switches first: VMs that start (autostart) or reattach find their networks.
            networks.startAll();
            VmManager vms = new VmManager(config, registry, disks, networks);
            vms.recover();
            Map<String, Object> about = new LinkedHashMap<>();
            about.put("version", version);
            about.put("schema", registry.schemaVersion());
            about.put("home", home.root().toString());
            Api api = new Api(vms, disks, networks, new ConsoleStreams(home, registry), about);
            var router = api.router();

            Files.deleteIfExists(home.apiSocket());
            ServerSocketChannel unixChannel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            unixChannel.bind(UnixDomainSocketAddress.of(home.apiSocket()));
            Files.setPosixFilePermissions(home.apiSocket(), PosixFilePermissions.fromString("rw-------"));
            HttpServer unixServer = HttpServer.serve("unix", unixChannel, router);

            HttpServer tcpServer = null;
            int port = -1;
            if (config.tcp() != null) {
                byte[] token = token(home);
                ServerSocket socket = config.tlsKeyStore() != null
                        ? Tls.context(config.tlsKeyStore(), config.tlsPassword()).getServerSocketFactory().createServerSocket()
                        : new ServerSocket();
                socket.bind(config.tcp());
                port = socket.getLocalPort();
                tcpServer = HttpServer.serve("tcp", socket, request -> {
                    String auth = request.header("authorization");
                    byte[] given = auth != null && auth.startsWith("Bearer ") ? auth.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
                    if (!MessageDigest.isEqual(given, token)) {
                        throw new ApiException(401, "the TCP API needs the header 'Authorization: Bearer TOKEN'; the token is in " + home.tokenFile());
                    }
                    return router.handle(request);
                });
            }
            return new Daemon(config, registry, vms, networks, unixServer, tcpServer, port, lockFile);
        } catch (IOException | RuntimeException e) {
            networks.close();
            registry.close();
            lockFile.close();
            throw e;
        }
    }

    /** The TCP API's token: read from VIREO_HOME/api.token, created (mode 0600) on first use. */
    static byte[] token(VireoHome home) throws IOException {
        if (!Files.exists(home.tokenFile())) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            Files.createFile(home.tokenFile(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(home.tokenFile(), HexFormat.of().formatHex(random) + "\n");
        }
        String token = Files.readString(home.tokenFile()).strip();
        if (token.length() < 16) throw new IOException(home.tokenFile() + " holds a token shorter than 16 characters; delete it and a new one is made");
        return token.getBytes(StandardCharsets.UTF_8);
    }

    /** The bound TCP port, or -1 without TCP. */
    public int tcpPort() { return tcpPort; }

    public DaemonConfig config() { return config; }

    public VmManager vms() { return vms; }

    @Override
    public void close() throws SQLException, IOException {
        unix.close();
        if (tcp != null) tcp.close();
        Files.deleteIfExists(config.home().apiSocket());
        networks.close();
        registry.close();
        lock.close(); // releases the lock: another daemon may start
    }
}
