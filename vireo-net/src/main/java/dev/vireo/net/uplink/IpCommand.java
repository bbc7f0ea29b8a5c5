package dev.vireo.net.uplink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs iproute2's {@code ip} with a fixed argument list: no shell, and every interface,
 * bridge and namespace name checked against {@link #NAME} before it is passed, so no
 * guest- or user-controlled text can become a command. {@code namespace} (may be null) runs
 * the command inside that network namespace ({@code ip -n NS …}).
 */
public final class IpCommand {
    /** Linux interface names: 1-15 characters, no '/', no whitespace; we are stricter. */
    public static final String NAME = "[A-Za-z0-9][A-Za-z0-9_.-]{0,14}";

    private IpCommand() {}

    public static String checkName(String kind, String name) {
        if (name == null || !name.matches(NAME))
            throw new UplinkException(kind + " name '" + name + "' must be 1-15 letters, digits, '.', '_' or '-'");
        return name;
    }

    /** Runs {@code ip [-n namespace] args…}; throws with ip's own message on failure. */
    public static void run(String namespace, String... args) {
        List<String> command = new ArrayList<>();
        command.add(ipBinary());
        if (namespace != null) {
            command.add("-n");
            command.add(checkName("network namespace", namespace));
        }
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new UplinkException("'" + String.join(" ", command) + "' did not finish within 30 s");
            }
            if (p.exitValue() != 0) {
                String hint = output.contains("Operation not permitted")
                        ? "; this needs root or CAP_NET_ADMIN (run as root, or use --nic nat / switch=NAME)" : "";
                throw new UplinkException("'" + String.join(" ", command) + "' failed: " + output + hint);
            }
        } catch (IOException e) {
            throw new UplinkException("cannot run ip (install iproute2): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UplinkException("interrupted while running ip", e);
        }
    }

    private static String ipBinary() {
        for (String candidate : List.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"))
            if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(candidate))) return candidate;
        throw new UplinkException("the 'ip' command is missing: install iproute2");
    }
}
