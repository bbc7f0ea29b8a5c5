package dev.vireo.cli;

import dev.vireo.daemon.Daemon;
import dev.vireo.daemon.DaemonConfig;
import dev.vireo.daemon.VireoHome;
import dev.vireo.daemon.client.DaemonClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code vireo daemon}: runs vireod in the foreground (Ctrl-C or SIGTERM stops it; running
 * VMs keep running and are reattached at the next start), or in the background with
 * {@code --detach}. State lives in VIREO_HOME (default ~/.local/share/vireo).
 */
@Command(name = "daemon", mixinStandardHelpOptions = true,
        description = "Run the Vireo daemon (vireod): REST API on VIREO_HOME/run/api.sock, VM registry, one VMM process per running VM.",
        footer = {"", "Examples:", "  vireo daemon                                 (foreground)",
                "  vireo daemon --detach                        (background; log in VIREO_HOME/logs/vireod.log)",
                "  vireo daemon --listen 127.0.0.1:8443 --tls-cert server.p12 --tls-password secret",
                "  systemd: contrib/vireod.service"})
final class DaemonCommand implements Callable<Integer> {
    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "also serve the API on TCP (bearer token in VIREO_HOME/api.token)") String listen;
    @Option(names = "--tls-cert", paramLabel = "FILE", description = "PKCS12 key store, or PEM with certificate chain and PKCS#8 key: serve TCP with TLS") Path tlsCert;
    @Option(names = "--tls-password", paramLabel = "PASSWORD", description = "the PKCS12 password") String tlsPassword;
    @Option(names = "--overcommit", paramLabel = "RATIO", description = "memory overcommit ratio for admission control (default 1.0)") double overcommit = 1.0;
    @Option(names = "--stop-timeout", paramLabel = "SECONDS", description = "how long vm stop waits for a guest (default 30)") long stopTimeout = 30;
    @Option(names = "--detach", description = "run in the background and return once the API answers") boolean detach;
    @Option(names = "--meminfo", hidden = true, paramLabel = "FILE") Path meminfo;

    @Override
    public Integer call() throws Exception {
        VireoHome home = VireoHome.resolve();
        if (detach) return detach(home);
        InetSocketAddress tcp = listen == null ? null : address(listen);
        DaemonConfig config = new DaemonConfig(home, tcp, tlsCert, tlsPassword, vmmCommand(), meminfo, overcommit, Duration.ofSeconds(stopTimeout));
        Daemon daemon;
        try {
            daemon = Daemon.start(config, Main.version());
        } catch (java.sql.SQLException e) {
            throw new VireoCliException("cannot open the registry: " + e.getMessage(), e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                daemon.close();
            } catch (Exception ignored) {
                // exiting anyway
            }
            stopped.countDown();
        }, "vireod-shutdown"));
        System.out.println("vireod " + Main.version() + " serving " + home.apiSocket()
                + (daemon.tcpPort() > 0 ? " and " + (tlsCert != null ? "https" : "http") + "://" + tcp.getHostString() + ":" + daemon.tcpPort() : ""));
        System.out.flush();
        stopped.await();
        return Main.EXIT_OK;
    }

    /** The command that starts a VMM: this same Vireo (same java, same class path) with the vmm subcommand. */
    static List<String> vmmCommand() {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Absolute class path entries: a VMM must not depend on the directory the daemon started in.
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(entry -> Path.of(entry).toAbsolutePath().toString()).collect(Collectors.joining(File.pathSeparator));
        // PerMethodTrapLimit=0 as in the launcher: the RISC-V interpreter loop is compiled once, not again after every rare path.
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:+UseParallelGC",
                "-XX:PerMethodTrapLimit=0", "-Xss4m"));
        command.addAll(aotFlags(ManagementFactory.getRuntimeMXBean().getInputArguments()));
        command.addAll(List.of("-cp", classPath, Main.class.getName(), "vmm"));
        return List.copyOf(command);
    }

    /**
     * The AOT cache options for a VMM, from the daemon's own JVM arguments {@code jvmArguments}:
     * the launcher starts the daemon from the short commands' AOT cache when it exists (as it
     * starts {@code vireo run}), and its VMMs start from the same cache, their harts 0.1-0.2 s
     * sooner (docs/virt-machine.md, "Start-up"). Empty when the daemon has none or its file is
     * gone; a cache that no longer matches the jar is only ignored by the JVM (its logging off).
     */
    static List<String> aotFlags(List<String> jvmArguments) {
        for (String argument : jvmArguments) {
            if (argument.startsWith("-XX:AOTCache=") && Files.isRegularFile(Path.of(argument.substring("-XX:AOTCache=".length())))) {
                return List.of(argument, "-Xlog:aot=off", "-Xlog:cds=off");
            }
        }
        return List.of();
    }

    private int detach(VireoHome home) throws Exception {
        home.create();
        if (Files.exists(home.apiSocket())) {
            try {
                new DaemonClient(home).call("GET", "/api/version", null);
                throw new VireoCliException("a daemon is already running on " + home.apiSocket() + "; stop it first (or use it)");
            } catch (DaemonClient.Unavailable stale) {
                // a stale socket: start anew
            }
        }
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) command.add("/usr/bin/setsid");
        List<String> java = vmmCommand();
        int classPath = java.indexOf("-cp");
        command.addAll(java.subList(0, classPath));
        command.add("-Dvireo.home=" + home.root());
        command.addAll(java.subList(classPath, java.size() - 1)); // ends with the main class
        command.add("daemon");
        if (listen != null) command.addAll(List.of("--listen", listen));
        if (tlsCert != null) command.addAll(List.of("--tls-cert", tlsCert.toAbsolutePath().toString()));
        if (tlsPassword != null) command.addAll(List.of("--tls-password", tlsPassword));
        command.addAll(List.of("--overcommit", Double.toString(overcommit), "--stop-timeout", Long.toString(stopTimeout)));
        if (meminfo != null) command.addAll(List.of("--meminfo", meminfo.toAbsolutePath().toString()));
        Path log = home.logs().resolve("vireod.log");
        Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new VireoCliException("the daemon exited at start (code " + process.exitValue() + "); see " + log);
            try {
                new DaemonClient(home).call("GET", "/api/version", null);
                System.out.println("vireod running in the background (pid " + process.pid() + "); log " + log);
                return Main.EXIT_OK;
            } catch (java.io.IOException notYet) {
                Thread.sleep(100);
            }
        }
        process.destroy();
        throw new VireoCliException("the daemon did not answer within 30 s; see " + log);
    }

    private static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        try {
            if (colon <= 0) throw new NumberFormatException();
            return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            throw new VireoCliException("--listen '" + hostPort + "' is not HOST:PORT; give e.g. 127.0.0.1:8443", Main.EXIT_USAGE);
        }
    }
}
