package dev.vireo.cli.guest;

import dev.vireo.cli.VireoCliException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/** Runs a host program (apt-get, dpkg-deb, xz) with fixed arguments — never through a shell. */
final class HostCommand {
    private HostCommand() {}

    /** Runs {@code command} in {@code directory}; returns stdout, or throws with stderr's tail on failure. */
    static byte[] run(Path directory, List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(false);
        if (directory != null) pb.directory(directory.toFile());
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread drain = Thread.ofPlatform().name("drain-" + command.getFirst()).start(() -> copy(p.getErrorStream(), err));
            byte[] out = p.getInputStream().readAllBytes();
            int rc = p.waitFor();
            drain.join();
            if (rc != 0) {
                String tail = err.toString().strip();
                if (tail.length() > 600) tail = "…" + tail.substring(tail.length() - 600);
                throw new VireoCliException(command.getFirst() + " failed (exit " + rc + "): " + tail.replace('\n', ' '));
            }
            return out;
        } catch (IOException e) {
            throw new VireoCliException("cannot run " + command.getFirst() + ": " + e.getMessage()
                    + " (is it installed? on Debian: apt-get install apt dpkg xz-utils)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VireoCliException("interrupted while running " + command.getFirst());
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException ignored) {
            // the process ended; what was read is enough for the message
        }
    }
}
