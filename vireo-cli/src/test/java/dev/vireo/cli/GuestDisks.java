package dev.vireo.cli;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Helpers for guest tests that work with file systems on virtio-blk disks: the default guest
 * under {@code vireo run --disk …} in its own process, the host's e2fsprogs and qemu-img as
 * oracles, and checksums printed by the guest's {@code sha256sum}.
 */
final class GuestDisks {
    private GuestDisks() { }

    record Result(int exit, String out) { }

    /** {@code vireo run} of the default guest with {@code command} as vireo.exec and the given --disk values. */
    static VireoProcess start(String command, String... disks) throws IOException {
        List<String> args = TestGuest.runArgs("512M", command);
        for (String disk : disks) {
            args.add("--disk");
            args.add(disk);
        }
        return VireoProcess.start(args.toArray(String[]::new));
    }

    /** Boots, runs {@code command} to completion (exit status 0 required) and returns the console output. */
    static String boot(String command, String... disks) throws Exception {
        try (VireoProcess vireo = start(command, disks)) {
            int status = vireo.waitFor(RunLinuxTest.BOOT_TIMEOUT);
            assertThat(vireo.stdout()).as(VireoProcess.tail(vireo.stdout())).contains("vireo-exec-status: 0");
            assertThat(status).as(vireo.stderr()).isZero();
            return vireo.stdout();
        }
    }

    /** A host tool, skipping the test if it is not installed (.ci/run installs them). */
    static Result host(String... command) throws IOException, InterruptedException {
        Path tool = Path.of(command[0]);
        Assumptions.assumeTrue(Files.isExecutable(tool), command[0] + " is not installed (.ci/run installs e2fsprogs and qemu-utils)");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }

    static String hostOk(String... command) throws IOException, InterruptedException {
        Result r = host(command);
        assertThat(r.exit()).as(String.join(" ", command) + ":\n" + r.out()).isZero();
        return r.out();
    }

    /**
     * {@code qemu-img check} finds no corruption (exit 0 clean, 3 leaked clusters only: a leak
     * wastes space but never loses or mixes data).
     */
    static String assertNoCorruption(Path qcow2) throws IOException, InterruptedException {
        Result r = host("/usr/bin/qemu-img", "check", qcow2.toString());
        assertThat(r.exit()).as("qemu-img check " + qcow2 + ":\n" + r.out()).isIn(0, 3);
        assertThat(r.out()).doesNotContain("ERROR").doesNotContain("corruption");
        return r.out();
    }

    /** {@code e2fsck -fn} on a raw copy of the image's guest view: the file system is clean. */
    static void assertCleanFileSystem(Path image, Path scratch) throws IOException, InterruptedException {
        hostOk("/usr/bin/qemu-img", "convert", "-O", "raw", image.toString(), scratch.toString());
        hostOk("/usr/sbin/e2fsck", "-fn", scratch.toString());
        Files.delete(scratch);
    }

    private static final Pattern SUM = Pattern.compile("(?m)^(\\w+) ([0-9a-f]{64})  (\\S+)\\s*$");

    /** Lines "TAG hash  name" printed by {@code sha256sum … | sed 's/^/TAG /'}, as name → hash. */
    static Map<String, String> sums(String console, String tag) {
        Map<String, String> out = new TreeMap<>();
        Matcher m = SUM.matcher(console.replace("\r", ""));
        while (m.find()) if (m.group(1).equals(tag)) out.put(m.group(3), m.group(2));
        return out;
    }

    static String sha256(Path file) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(file)) {
            byte[] b = new byte[1 << 20];
            int n;
            while ((n = in.read(b)) > 0) d.update(b, 0, n);
        }
        return HexFormat.of().formatHex(d.digest());
    }
}
