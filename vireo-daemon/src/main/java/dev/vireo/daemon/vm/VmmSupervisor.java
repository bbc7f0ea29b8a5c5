package dev.vireo.daemon.vm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vireo.daemon.VireoHome;
import dev.vireo.vmm.ControlClient;
import dev.vireo.vmm.ControlProtocol;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Starts VMM processes and watches them. A VMM runs in its own session ({@code setsid}) so
 * that a Ctrl-C to a foreground daemon, or the daemon's exit, leaves running VMs alone; a
 * restarted daemon {@link #reattach reattaches} to them by pid and control socket.
 *
 * <p>Threads: API threads call {@link #spawn} and {@link #control}; exits are reported on
 * the JDK's process reaper threads through the {@code onExit} callback.
 */
public final class VmmSupervisor {
    /** Why a VMM process ended: {@code clean} when it stopped in order, else the crash reason. */
    public record Ended(boolean clean, String reason) {}

    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private final VireoHome home;
    private final List<String> vmmCommand;
    private final BiConsumer<String, Long> onExit;
    private final Map<Long, Process> children = new ConcurrentHashMap<>();

    /** {@code onExit(vm, pid)} is called once when a watched VMM process ends. */
    public VmmSupervisor(VireoHome home, List<String> vmmCommand, BiConsumer<String, Long> onExit) {
        this.home = home;
        this.vmmCommand = List.copyOf(vmmCommand);
        this.onExit = onExit;
    }

    /**
     * Starts the VMM of {@code vm} with the arguments of {@code vireo run}; returns its process
     * once the control socket answers, or throws with the reason the VMM gave.
     */
    public ProcessHandle spawn(String vm, List<String> runArguments, Duration readyTimeout) throws IOException {
        Files.deleteIfExists(home.statusFile(vm));
        Files.deleteIfExists(home.controlSocket(vm));
        List<String> command = new ArrayList<>();
        // setsid is exec'd directly, never through a shell: no argument is ever parsed by one.
        if (Files.isExecutable(SETSID)) command.add(SETSID.toString());
        command.addAll(vmmCommand);
        command.addAll(List.of("--name", vm, "--control", home.controlSocket(vm).toString(),
                "--console", home.consoleSocket(vm).toString(), "--log", home.consoleLog(vm).toString(),
                "--status", home.statusFile(vm).toString(), "--"));
        command.addAll(runArguments);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.vmmLog(vm).toFile()));
        // The VMM finds the daemon's network switches (VIREO_HOME/net/NAME.sock) through VIREO_HOME.
        builder.environment().put("VIREO_HOME", home.root().toString());
        Process process = builder.start();
        children.put(process.pid(), process);
        long deadline = System.nanoTime() + readyTimeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                Ended ended = ended(vm, process.pid());
                children.remove(process.pid());
                throw new VmmStartException(ended.reason());
            }
            if (Files.exists(home.controlSocket(vm))) {
                try {
                    ControlClient.request(home.controlSocket(vm), ControlProtocol.Operation.stats);
                    watch(vm, process.toHandle());
                    return process.toHandle();
                } catch (IOException notYet) {
                    // the socket file exists before the VMM accepts on it
                }
            }
            sleep(50);
        }
        process.destroyForcibly();
        children.remove(process.pid());
        throw new VmmStartException("the VMM did not open its control socket within " + readyTimeout.toSeconds()
                + " s; see " + home.vmmLog(vm));
    }

    /** Resumes watching a VMM started by an earlier daemon; empty when it is gone (or the pid was reused). */
    public Optional<ProcessHandle> reattach(String vm, long pid, String pidStart) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(h -> pidStart == null || h.info().startInstant().map(Instant::toString).orElse("").equals(pidStart));
        if (handle.isEmpty()) return Optional.empty();
        try {
            ControlClient.request(home.controlSocket(vm), ControlProtocol.Operation.stats);
        } catch (IOException e) {
            return Optional.empty();
        }
        watch(vm, handle.get());
        return handle;
    }

    private void watch(String vm, ProcessHandle handle) {
        handle.onExit().whenComplete((h, failure) -> onExit.accept(vm, handle.pid()));
    }

    /** Why the VMM {@code pid} of {@code vm} ended, from its status file and exit code. */
    public Ended ended(String vm, long pid) {
        Process child = children.remove(pid);
        String status = null;
        boolean clean = false;
        try {
            if (Files.exists(home.statusFile(vm))) {
                JsonNode node = ControlProtocol.JSON.readTree(Files.readString(home.statusFile(vm)));
                clean = node.path("clean").asBoolean(false);
                status = node.path("reason").asText(null);
            }
        } catch (IOException ignored) {
            // a half-written status counts as none
        }
        if (status != null) return new Ended(clean, status);
        String how = "ended";
        if (child != null) {
            try {
                int code = child.waitFor();
                how = code > 128 ? "was killed by signal " + (code - 128) : "exited with code " + code;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return new Ended(false, "the VMM process (pid " + pid + ") " + how + " without a status; see " + home.vmmLog(vm));
    }

    /** Sends a control operation to the running VMM of {@code vm}. */
    public JsonNode control(String vm, ControlProtocol.Operation op) throws IOException {
        return ControlClient.request(home.controlSocket(vm), op);
    }

    /** Waits up to {@code timeout} for the process to end; true when it did. */
    public static boolean awaitExit(ProcessHandle handle, Duration timeout) {
        try {
            handle.onExit().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (Exception e) {
            return !handle.isAlive();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A VMM that failed before it was ready; the message is the VMM's own reason. */
    public static final class VmmStartException extends IOException {
        public VmmStartException(String message) { super(message); }
    }
}
