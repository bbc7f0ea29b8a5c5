package dev.vireo.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Runs Debian's qemu-img / qemu-io, the interop oracle. Tests using it are tagged {@code interop}. */
public final class QemuTool {
    public record Result(int exit, String out) { }

    private QemuTool() { }

    public static void assumeAvailable() {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/qemu-img")), "qemu-img not installed");
    }

    public static Result run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }

    /** Runs and fails the test with the tool's output unless it exits 0. */
    public static String ok(String... args) throws IOException, InterruptedException {
        Result r = run(args);
        if (r.exit() != 0) throw new AssertionError(String.join(" ", args) + " exited " + r.exit() + ":\n" + r.out());
        return r.out();
    }

    /** qemu-io on a qcow2 file with one or more -c commands. */
    public static String io(Path file, String... commands) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("qemu-io", "-f", "qcow2"));
        for (String c : commands) { cmd.add("-c"); cmd.add(c); }
        cmd.add(file.toString());
        return ok(cmd.toArray(String[]::new));
    }

    /** The image's guest view as bytes, via qemu-img convert -O raw. */
    public static byte[] asRaw(Path image, Path scratch) throws IOException, InterruptedException {
        ok("qemu-img", "convert", "-O", "raw", image.toString(), scratch.toString());
        return Files.readAllBytes(scratch);
    }

    public static byte[] readAll(DiskImage img) throws IOException {
        byte[] all = new byte[Math.toIntExact(img.size())];
        img.read(0, all, 0, all.length);
        return all;
    }
}
