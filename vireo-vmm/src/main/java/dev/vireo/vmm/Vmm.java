package dev.vireo.vmm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ServiceLoader;

/**
 * One VMM process: runs one {@link GuestMachine} and serves its control socket
 * ({@link ControlProtocol}) and console socket ({@link ConsoleHub}) until the machine stops,
 * then writes the status file and exits 0 (clean stop) or 1 (failure).
 *
 * <p>Threads: the caller's thread waits for the machine; {@code vmm-control} serves control
 * requests one at a time; the console hub has its own threads.
 */
public final class Vmm {
    /** Console log rotation: 1 MiB per file, 3 old files kept. */
    public static final long CONSOLE_LOG_LIMIT = 1 << 20;
    public static final int CONSOLE_LOG_KEEP = 3;

    private final VmmOptions options;
    private final GuestMachine machine;
    private final long startedNanos = System.nanoTime();
    private volatile String state = "running";
    private volatile boolean stopping;

    private Vmm(VmmOptions options, GuestMachine machine) {
        this.options = options;
        this.machine = machine;
    }

    /** Builds the machine with the platform's registered factory and runs it; returns the exit code. */
    public static int run(VmmOptions options) {
        String wanted = System.getProperty("vireo.vmm.machine", "virt");
        GuestMachineFactory factory = ServiceLoader.load(GuestMachineFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.name().equals(wanted)).findFirst().orElse(null);
        if (factory == null) {
            String reason = "this Vireo build has no machine builder (no GuestMachineFactory"
                    + " named '" + wanted + "' is registered); build Vireo with the virt machine (vireo-riscv) to run VMs";
            writeStatus(options.status(), false, reason);
            System.err.println("vmm: " + reason);
            return 1;
        }
        GuestMachine machine;
        try {
            machine = factory.create(options.name(), options.runArguments());
        } catch (Exception e) {
            String reason = "could not build the machine: " + e.getMessage();
            writeStatus(options.status(), false, reason);
            System.err.println("vmm: " + reason);
            return 1;
        }
        return run(options, machine);
    }

    /** Runs {@code machine} as the VMM of {@code options.name()}; returns the exit code. */
    public static int run(VmmOptions options, GuestMachine machine) {
        return new Vmm(options, machine).run();
    }

    private int run() {
        GuestMachine.Exit exit;
        try (ConsoleLog log = new ConsoleLog(options.log(), CONSOLE_LOG_LIMIT, CONSOLE_LOG_KEEP);
             ConsoleHub console = new ConsoleHub(log, machine::consoleInput);
             ServerSocketChannel consoleServer = bind(options.console());
             ServerSocketChannel controlServer = bind(options.control())) {
            console.serve(consoleServer);
            Thread.ofPlatform().daemon().name("vmm-control").start(() -> serveControl(controlServer));
            machine.start(console.output());
            exit = machine.awaitExit();
        } catch (Exception e) {
            exit = new GuestMachine.Exit(false, "VMM failed: " + e);
            e.printStackTrace();
        } finally {
            deleteQuietly(options.control());
            deleteQuietly(options.console());
        }
        if (stopping && exit.clean()) exit = new GuestMachine.Exit(true, exit.reason());
        writeStatus(options.status(), exit.clean(), exit.reason());
        System.err.println("vmm: vm '" + options.name() + "' stopped: " + exit.reason());
        return exit.clean() ? 0 : 1;
    }

    private static ServerSocketChannel bind(Path path) throws IOException {
        Files.createDirectories(path.toAbsolutePath().getParent());
        Files.deleteIfExists(path);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        return server;
    }

    private void serveControl(ServerSocketChannel server) {
        while (server.isOpen()) {
            try (SocketChannel channel = server.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(ChannelStreams.input(channel), StandardCharsets.UTF_8));
                OutputStream out = ChannelStreams.output(channel);
                String line;
                while ((line = in.readLine()) != null) {
                    ObjectNode reply = handle(line);
                    out.write((ControlProtocol.JSON.writeValueAsString(reply) + "\n").getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                if (!server.isOpen()) return;
            }
        }
    }

    ObjectNode handle(String line) {
        ControlProtocol.Operation op;
        try {
            JsonNode request = ControlProtocol.JSON.readTree(line);
            op = ControlProtocol.Operation.valueOf(request.path("op").asText());
        } catch (IOException | IllegalArgumentException e) {
            return ControlProtocol.error("unknown control operation in '" + line.strip()
                    + "'; send one of {\"op\": \"stats|pause|resume|stop|poweroff|reboot\"}");
        }
        try {
            return switch (op) {
                case stats -> {
                    ObjectNode reply = ControlProtocol.ok(state);
                    reply.put("name", options.name());
                    reply.put("pid", ProcessHandle.current().pid());
                    reply.put("uptimeMillis", (System.nanoTime() - startedNanos) / 1_000_000);
                    reply.set("machine", ControlProtocol.JSON.valueToTree(machine.stats()));
                    yield reply;
                }
                case pause -> {
                    if (!state.equals("running")) yield ControlProtocol.error("vm '" + options.name() + "' is " + state + "; only a running vm can be paused");
                    machine.pause();
                    state = "paused";
                    yield ControlProtocol.ok(state);
                }
                case resume -> {
                    if (!state.equals("paused")) yield ControlProtocol.error("vm '" + options.name() + "' is " + state + "; only a paused vm can be resumed");
                    machine.resume();
                    state = "running";
                    yield ControlProtocol.ok(state);
                }
                case stop -> {
                    stopping = true;
                    if (state.equals("paused")) {
                        machine.resume();
                        state = "running";
                    }
                    ObjectNode reply = ControlProtocol.ok(state);
                    reply.put("accepted", machine.requestShutdown());
                    yield reply;
                }
                case poweroff -> {
                    stopping = true;
                    machine.powerOff();
                    yield ControlProtocol.ok("stopping");
                }
                case reboot -> {
                    machine.reset();
                    yield ControlProtocol.ok(state);
                }
            };
        } catch (RuntimeException e) {
            return ControlProtocol.error(op + " failed: " + e.getMessage());
        }
    }

    /** Writes the status file atomically (a reader sees the old file or the whole new one). */
    static void writeStatus(Path status, boolean clean, String reason) {
        if (status == null) return;
        try {
            ObjectNode node = ControlProtocol.JSON.createObjectNode();
            node.put("clean", clean);
            node.put("reason", reason);
            Files.createDirectories(status.toAbsolutePath().getParent());
            Path temp = status.resolveSibling(status.getFileName() + ".tmp");
            Files.writeString(temp, ControlProtocol.JSON.writeValueAsString(node));
            Files.move(temp, status, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            System.err.println("vmm: cannot write status file " + status + ": " + e.getMessage());
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // a stale socket file is replaced at the next start
        }
    }
}
