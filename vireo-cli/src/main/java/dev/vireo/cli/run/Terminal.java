package dev.vireo.cli.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Raw mode for the terminal on stdin, set and restored with {@code stty(1)} (the stty
 * process inherits our stdin, so it acts on exactly that terminal and fails when stdin is a
 * pipe or a file, which is how {@link #onStdin()} tells). Raw mode passes every key,
 * Ctrl-C included, to the guest; the saved settings are restored by {@link #restore()},
 * which is safe to call twice (normal exit and the shutdown hook).
 */
public final class Terminal {
    private final String saved;
    private volatile boolean restored;

    private Terminal(String saved) {
        this.saved = saved;
    }

    /** The terminal on stdin, or null when stdin is not a terminal. */
    public static Terminal onStdin() {
        String settings = stty("-g");
        return settings == null || settings.isBlank() ? null : new Terminal(settings.strip());
    }

    public void enterRawMode() {
        stty("raw", "-echo");
    }

    public synchronized void restore() {
        if (restored) return;
        restored = true;
        stty(saved);
    }

    /** Runs stty with our stdin; returns its output, or null if it failed. */
    private static String stty(String... args) {
        try {
            Process p = new ProcessBuilder(concat(args))
                    .redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroy();
                return null;
            }
            return p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static List<String> concat(String... args) {
        var all = new java.util.ArrayList<String>();
        all.add("stty");
        all.addAll(List.of(args));
        return all;
    }
}
