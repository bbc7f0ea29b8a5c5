package dev.vireo.cli;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace a test creates ({@code ip netns add}) and deletes on {@link #close}:
 * host-only and bridged tests put their TAPs, bridges and host-side tools in it and never
 * touch the host's own interfaces. Aborts (skips) the test without root or /dev/net/tun.
 */
final class TestNamespace implements AutoCloseable {
    final String name;

    private TestNamespace(String name) {
        this.name = name;
    }

    static TestNamespace create(String prefix) throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/net/tun")), "no /dev/net/tun (modprobe tun)");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")),
                "needs iproute2 (apt-get install iproute2)");
        String name = prefix + ProcessHandle.current().pid() % 100000;
        Result add = exec(List.of("ip", "netns", "add", name));
        Assumptions.assumeTrue(add.status == 0, "cannot create a network namespace (needs root): " + add.output);
        TestNamespace ns = new TestNamespace(name);
        ns.run("ip", "link", "set", "dev", "lo", "up");
        return ns;
    }

    /** {@code ip netns exec NAME} — the prefix that runs a command inside the namespace. */
    List<String> wrapper() { return List.of("ip", "netns", "exec", name); }

    /** Runs a command in the namespace; fails the test when it fails. */
    String run(String... command) throws Exception {
        Result r = runAllowingFailure(command);
        if (r.status != 0) throw new AssertionError(String.join(" ", command) + " in netns " + name + " failed: " + r.output);
        return r.output;
    }

    Result runAllowingFailure(String... command) throws Exception {
        List<String> full = new ArrayList<>(wrapper());
        full.addAll(List.of(command));
        return exec(full);
    }

    record Result(int status, String output) {}

    static Result exec(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "timed out: " + String.join(" ", command));
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /**
     * Kills every process still in the namespace (VMMs run under setsid and would outlive
     * their daemon), then deletes it.
     */
    @Override
    public void close() throws Exception {
        for (String pid : exec(List.of("ip", "netns", "pids", name)).output.split("\\s+")) {
            if (pid.matches("\\d+")) ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
        }
        exec(List.of("ip", "netns", "delete", name));
    }
}
