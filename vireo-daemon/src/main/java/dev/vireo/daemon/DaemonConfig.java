package dev.vireo.daemon;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How a daemon runs; validated once here.
 *
 * @param tcp           where to serve the API over TCP as well, or null for the Unix socket only
 * @param tlsKeyStore   a PKCS12 key store (or a PEM file holding a certificate chain and a PKCS#8 key) for TLS on TCP, or null
 * @param tlsPassword   the key store's password (empty for PEM)
 * @param vmmCommand    the command that starts a VMM process, up to (and including) the {@code vmm} subcommand
 * @param meminfo       /proc/meminfo, or a file in its format (tests)
 * @param overcommit    admission control's memory overcommit ratio
 * @param stopTimeout   how long {@code stop} waits for the guest before it powers off
 */
public record DaemonConfig(VireoHome home, InetSocketAddress tcp, Path tlsKeyStore, String tlsPassword,
                           List<String> vmmCommand, Path meminfo, double overcommit, Duration stopTimeout) {
    public DaemonConfig {
        if (home == null) throw new IllegalArgumentException("VIREO_HOME missing");
        vmmCommand = List.copyOf(vmmCommand);
        if (vmmCommand.isEmpty()) throw new IllegalArgumentException("the VMM command is empty");
        if (meminfo == null) meminfo = Path.of("/proc/meminfo");
        if (!(overcommit > 0)) throw new IllegalArgumentException("--overcommit must be a positive ratio such as 1.0 or 1.5, not " + overcommit);
        if (stopTimeout == null) stopTimeout = Duration.ofSeconds(30);
        if (tlsKeyStore != null && tcp == null) throw new IllegalArgumentException("--tls-cert needs --listen HOST:PORT (TLS is for the TCP API)");
        if (tlsPassword == null) tlsPassword = "";
    }

    public static DaemonConfig of(VireoHome home, List<String> vmmCommand) {
        return new DaemonConfig(home, null, null, null, vmmCommand, null, 1.0, null);
    }
}
