package dev.vireo.cli.vm;

import java.io.File;
import java.io.IOException;
import java.util.List;

/**
 * Raw mode for an interactive console: runs {@code stty} (exec'd directly with fixed
 * arguments, never through a shell) on the controlling terminal.
 */
final class Terminal {
    private static final File TTY = new File("/dev/tty");

    private Terminal() {}

    /** Puts the terminal in raw mode without echo; false when stdin is not a terminal. */
    static boolean enterRaw() {
        if (System.console() == null || !TTY.exists()) return false;
        return stty(List.of("raw", "-echo"));
    }

    static void restore() { stty(List.of("sane")); }

    private static boolean stty(List<String> arguments) {
        try {
            List<String> command = new java.util.ArrayList<>(List.of("stty"));
            command.addAll(arguments);
            Process p = new ProcessBuilder(command).redirectInput(TTY).start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
