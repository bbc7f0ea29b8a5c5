package dev.vireo.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the daemon keeps its state, and where the CLI looks for it:
 * <pre>
 *   VIREO_HOME/                     (default ~/.local/share/vireo)
 *     registry/vireo.mv.db          the embedded H2 database
 *     disks/NAME                    volumes
 *     logs/vireod.log               the daemon's log when detached
 *     logs/NAME.console.log[.1-3]   each VM's console, rotated
 *     logs/NAME.vmm.log             each VMM process's own output
 *     run/api.sock                  the REST API
 *     run/NAME.control|.console     each running VM's sockets
 *     run/NAME.status               why a VMM stopped, written by the VMM
 *     api.token                     the bearer token for the TCP API (mode 0600)
 * </pre>
 * Resolved from the system property {@code vireo.home} (tests, embedding), then the
 * environment variable {@code VIREO_HOME}, then the default.
 */
public record VireoHome(Path root) {
    /** Unix-domain socket paths are limited to 107 bytes (sun_path) on Linux. */
    public static final int MAX_SOCKET_PATH = 107;

    public static VireoHome resolve() {
        String property = System.getProperty("vireo.home");
        if (property != null && !property.isBlank()) return new VireoHome(Path.of(property).toAbsolutePath());
        String env = System.getenv("VIREO_HOME");
        if (env != null && !env.isBlank()) return new VireoHome(Path.of(env).toAbsolutePath());
        return new VireoHome(Path.of(System.getProperty("user.home"), ".local", "share", "vireo"));
    }

    public Path registry() { return root.resolve("registry"); }

    public Path disks() { return root.resolve("disks"); }

    public Path logs() { return root.resolve("logs"); }

    public Path run() { return root.resolve("run"); }

    public Path apiSocket() { return run().resolve("api.sock"); }

    public Path tokenFile() { return root.resolve("api.token"); }

    public Path controlSocket(String vm) { return run().resolve(vm + ".control"); }

    public Path consoleSocket(String vm) { return run().resolve(vm + ".console"); }

    public Path statusFile(String vm) { return run().resolve(vm + ".status"); }

    public Path consoleLog(String vm) { return logs().resolve(vm + ".console.log"); }

    public Path vmmLog(String vm) { return logs().resolve(vm + ".vmm.log"); }

    /** Creates the directories (owner-only) and checks that socket paths fit. */
    public void create() throws IOException {
        for (Path dir : new Path[] {root, registry(), disks(), logs(), run()}) {
            Files.createDirectories(dir);
            try {
                Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
        }
        int longest = controlSocket("x".repeat(Names.MAX_LENGTH)).toString().length();
        if (longest > MAX_SOCKET_PATH) {
            throw new IOException("VIREO_HOME " + root + " is too long for Unix socket paths (" + longest + " > "
                    + MAX_SOCKET_PATH + " bytes with a " + Names.MAX_LENGTH + "-character VM name); choose a shorter VIREO_HOME");
        }
    }
}
