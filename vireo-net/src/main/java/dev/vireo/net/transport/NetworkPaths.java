package dev.vireo.net.transport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where named networks live: {@code ${VIREO_HOME:-~/.local/share/vireo}/net/NAME.sock}.
 * Shared by the CLI ({@code vireo net serve}, {@code vireo run --nic switch=NAME}) and the daemon.
 */
public final class NetworkPaths {
    private NetworkPaths() {}

    public static Path home() {
        String home = System.getenv("VIREO_HOME");
        if (home != null && !home.isBlank()) return Path.of(home);
        return Path.of(System.getProperty("user.home"), ".local", "share", "vireo");
    }

    /** The socket of network {@code name} under {@code home}; checks the name. */
    public static Path socket(Path home, String name) {
        if (!name.matches(Handshake.NAME_PATTERN))
            throw new IllegalArgumentException("network name '" + name + "' must be 1-64 letters, digits, '.', '_' or '-'");
        return home.resolve("net").resolve(name + ".sock");
    }

    public static Path socket(String name) {
        return socket(home(), name);
    }

    /** Creates the directory of {@code socket} (mode 0700: only this user may join networks). */
    public static void prepare(Path socket) throws IOException {
        Path dir = socket.getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            try {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system; leave the default mode.
            }
        }
    }
}
