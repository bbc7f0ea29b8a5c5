package dev.vireo.cli;

import dev.vireo.daemon.Daemon;
import dev.vireo.daemon.DaemonConfig;
import dev.vireo.daemon.VireoHome;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A daemon in a temporary VIREO_HOME, in this JVM, whose VMM processes are real
 * {@code vireo vmm} processes running the scripted test machine. The CLI under test finds it
 * through the {@code vireo.home} system property, as it would through VIREO_HOME.
 */
final class DaemonFixture implements AutoCloseable {
    final VireoHome home;
    final Path meminfo;
    private final double overcommit;
    private final InetSocketAddress tcp;
    private final List<String> vmmCommand;
    Daemon daemon;

    DaemonFixture(Path dir, double overcommit, InetSocketAddress tcp, long availableKb) throws Exception {
        this(dir, overcommit, tcp, availableKb, vmmCommand());
    }

    DaemonFixture(Path dir, double overcommit, InetSocketAddress tcp, long availableKb, List<String> vmmCommand) throws Exception {
        this.vmmCommand = vmmCommand;
        this.home = new VireoHome(dir.resolve("home"));
        this.meminfo = dir.resolve("meminfo");
        this.overcommit = overcommit;
        this.tcp = tcp;
        Files.writeString(meminfo, "MemTotal:       16000000 kB\nMemFree:        8000000 kB\nMemAvailable:   " + availableKb + " kB\n");
        System.setProperty("vireo.home", home.root().toString());
        start();
    }

    static DaemonFixture start(Path dir) throws Exception { return new DaemonFixture(dir, 1.0, null, 4_000_000); }

    void start() throws Exception {
        DaemonConfig config = new DaemonConfig(home, tcp, null, null, vmmCommand, meminfo, overcommit, Duration.ofSeconds(3));
        daemon = Daemon.start(config, "test");
    }

    void restart() throws Exception {
        daemon.close();
        start();
    }

    /** The real VMM command, with the scripted machine selected. */
    static List<String> vmmCommand() {
        List<String> command = new ArrayList<>(DaemonCommand.vmmCommand());
        command.add(command.indexOf("-cp"), "-Dvireo.vmm.machine=scripted");
        return command;
    }

    @Override
    public void close() throws Exception {
        // Leave no VMM behind.
        for (var vm : daemon.vms().list()) {
            if (vm.pid() != null) ProcessHandle.of(vm.pid()).ifPresent(ProcessHandle::destroyForcibly);
        }
        daemon.close();
        System.clearProperty("vireo.home");
    }
}
