package dev.vireo.cli.vm;

import dev.vireo.cli.DaemonCalls;
import dev.vireo.cli.Main;
import dev.vireo.cli.VireoCliException;
import dev.vireo.daemon.api.ConsoleStreams;
import dev.vireo.daemon.client.DaemonClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code vireo vm console NAME}: attaches the terminal to the VM's console through the daemon
 * (an HTTP upgrade to a raw byte pipe). Ctrl-] detaches; the VM keeps running.
 */
@Command(name = "console", mixinStandardHelpOptions = true, description = "Attach to a running VM's console (Ctrl-] detaches).")
final class VmConsoleCommand implements Callable<Integer> {
    static final int DETACH = 0x1d; // Ctrl-]

    @Parameters(index = "0", paramLabel = "NAME") String name;

    @Override
    public Integer call() {
        String path = "/api/vms/" + DaemonCalls.segment(name) + "/console";
        Map<String, String> upgrade = Map.of("Connection", "Upgrade", "Upgrade", ConsoleStreams.PROTOCOL);
        try (DaemonClient.Stream stream = DaemonCalls.client().open("POST", path, null, upgrade)) {
            if (stream.status() != 101) {
                String body = new String(stream.in().readAllBytes(), StandardCharsets.UTF_8);
                throw new VireoCliException(new DaemonClient.Response(stream.status(), body).error());
            }
            boolean raw = Terminal.enterRaw();
            try {
                System.err.print("attached to vm '" + name + "'; Ctrl-] detaches\r\n");
                Thread output = Thread.ofPlatform().daemon().name("console-out").start(() -> copyOut(stream.in()));
                copyIn(System.in, stream.out());
                stream.channel().close();
                output.join(1000);
            } finally {
                if (raw) Terminal.restore();
            }
            System.err.print("\r\ndetached from vm '" + name + "'\r\n");
        } catch (DaemonClient.Unavailable e) {
            throw new VireoCliException(e.getMessage());
        } catch (IOException e) {
            throw new VireoCliException("the console of vm '" + name + "' failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Main.EXIT_OK;
    }

    /** Keyboard to guest until Ctrl-] or end of input. */
    private static void copyIn(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            for (int i = 0; i < n; i++) {
                if (buffer[i] == DETACH) {
                    out.write(buffer, 0, i);
                    out.flush();
                    return;
                }
            }
            try {
                out.write(buffer, 0, n);
                out.flush();
            } catch (IOException e) {
                return; // the VM went away
            }
        }
    }

    private static void copyOut(InputStream in) {
        byte[] buffer = new byte[4096];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                System.out.write(buffer, 0, n);
                System.out.flush();
            }
        } catch (IOException ignored) {
            // detached or the VM stopped
        }
    }
}
