package dev.vireo.cli;

import dev.vireo.daemon.VireoHome;
import dev.vireo.daemon.client.DaemonClient;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The real CLI in a child JVM (this test's classpath, {@code dev.vireo.cli.Main}), with
 * stdout and stderr pipes as a script would see them. Guest tests use it because the
 * console reads stdin, which surefire's forked JVM uses for its own protocol.
 */
final class VireoProcess implements AutoCloseable {
    private final Process process;
    private final StringBuffer stdout = new StringBuffer();
    private final StringBuffer stderr = new StringBuffer();
    private final Thread outReader, errReader;

    private VireoProcess(Process process) {
        this.process = process;
        this.outReader = pump(process.getInputStream(), stdout, "stdout");
        this.errReader = pump(process.getErrorStream(), stderr, "stderr");
    }

    static VireoProcess start(String... args) throws IOException {
        return start(java.util.Map.of(), args);
    }

    /** With extra environment variables (e.g. VIREO_HOME for a test's own networks). */
    static VireoProcess start(java.util.Map<String, String> environment, String... args) throws IOException {
        return startWrapped(List.of(), environment, args);
    }

    /**
     * Behind a wrapper command, e.g. {@code ip netns exec NS} (inside a network namespace) or
     * {@code setpriv --bounding-set=-net_admin} (without a capability).
     */
    static VireoProcess startWrapped(List<String> wrapper, java.util.Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>(wrapper);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-XX:+UseParallelGC");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        return new VireoProcess(builder.start());
    }

    /**
     * Waits until this process, a {@code vireo daemon} with its home at {@code home}, answers on its
     * API socket (the socket file alone is not enough: it may exist before anyone listens, or
     * outlive a daemon that died); fails with the daemon's output if it exits or 60 s pass.
     */
    void awaitDaemon(Path home) throws InterruptedException {
        DaemonClient client = new DaemonClient(new VireoHome(home));
        for (int i = 0; i < 600 && isAlive(); i++) {
            try {
                client.call("GET", "/api/version", null);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("the daemon did not answer on " + home.resolve("run/api.sock") + ":\n" + stdout() + stderr());
    }

    private static Thread pump(InputStream in, StringBuffer into, String name) {
        return Thread.ofPlatform().daemon().name("test-" + name).start(() -> {
            byte[] buffer = new byte[4096];
            try {
                int n;
                while ((n = in.read(buffer)) > 0) into.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // process ended
            }
        });
    }

    /** Waits for the exit status; kills the process on timeout and fails with its output. */
    int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("vireo did not finish within " + timeout + "\nstdout:\n" + tail(stdout()) + "\nstderr:\n" + stderr());
        }
        outReader.join(5000);
        errReader.join(5000);
        skipIfNoCpu();
        return process.exitValue();
    }

    /** Waits until stdout satisfies {@code condition}. */
    boolean awaitStdout(Predicate<String> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.test(stdout())) return true;
            if (!process.isAlive()) {
                errReader.join(5000);
                skipIfNoCpu();
                return condition.test(stdout());
            }
            Thread.sleep(100);
        }
        return false;
    }

    void type(String text) {
        try {
            OutputStream in = process.getOutputStream();
            in.write(text.getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException ignored) {
            // the VM has already gone; the assertions on its output will say why
        }
    }

    /** Skips (rather than fails) while a CPU or FPU contract stub ("TODO: …") is still in the build. */
    private void skipIfNoCpu() {
        Assumptions.assumeFalse(stderr().contains("CPU emulator is not available"),
                "the RISC-V CPU is not merged into this branch yet");
        Assumptions.assumeFalse(stderr().contains("UnsupportedOperationException: TODO"),
                "a CPU/FPU stub is still in this branch: " + stderr().strip());
    }

    boolean isAlive() { return process.isAlive(); }

    long pid() { return process.pid(); }

    String stdout() { return stdout.toString(); }

    String stderr() { return stderr.toString(); }

    static String tail(String s) {
        return s.length() <= 6000 ? s : "…" + s.substring(s.length() - 6000);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
