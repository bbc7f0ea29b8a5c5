package dev.vireo.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The training run of the launcher's AOT cache (JEP 483/514): {@code ./vireo} runs this once
 * per build with {@code -XX:AOTCacheOutput=…}, and later short commands start with the classes
 * it loaded already parsed and linked. It runs, in one JVM, the short commands users run most:
 * {@code --version}, and {@code img create/info/convert/check/map/compare} on small scratch
 * images (with data, so that the copy and allocation paths load). Its output is discarded; a
 * failing step only makes the cache smaller.
 */
public final class StartupTraining {
    private StartupTraining() { }

    public static void main(String[] args) throws IOException {
        int failed = run();
        if (failed > 0) System.err.println("vireo: " + failed + " AOT training step(s) failed; the start-up cache covers less");
        // Leave as commands do (Main.main): System.exit looks up the JDK's logger for
        // Runtime.exit, classes that would otherwise load cold at the end of every command.
        System.exit(0);
    }

    /** Runs the training steps (their output discarded) and returns how many failed. */
    static int run() throws IOException {
        Path dir = Files.createTempDirectory("vireo-aot-training");
        PrintStream out = System.out, err = System.err;
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream());
        System.setOut(sink);
        System.setErr(sink);
        int failed = 0;
        try {
            Path raw = dir.resolve("data.raw");
            try (FileChannel ch = FileChannel.open(raw, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer pattern = ByteBuffer.allocate(1 << 20);
                while (pattern.hasRemaining()) pattern.put((byte) (pattern.position() * 31 + 7));
                ch.write(pattern.flip(), 0);
                ch.write(pattern.rewind(), 5 << 20);
                ch.truncate(16 << 20);
            }
            String r = raw.toString(), q = dir.resolve("a.qcow2").toString(), q2 = dir.resolve("b.qcow2").toString();
            String[][] steps = {
                    {"--version"},
                    {"img", "create", "-q", "-f", "qcow2", dir.resolve("empty.qcow2").toString(), "64M"},
                    {"img", "convert", "-O", "qcow2", r, q},
                    {"img", "convert", "-O", "qcow2", q, q2},
                    {"img", "convert", "-O", "raw", q, dir.resolve("back.raw").toString()},
                    {"img", "info", q},
                    {"img", "info", "--output", "json", q},
                    {"img", "check", q2},
                    {"img", "map", q},
                    {"img", "compare", r, q2}};
            for (String[] step : steps) if (Main.execute(step) != Main.EXIT_OK) failed++;
        } finally {
            System.setOut(out);
            System.setErr(err);
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
        return failed;
    }
}
