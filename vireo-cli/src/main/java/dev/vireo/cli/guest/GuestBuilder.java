package dev.vireo.cli.guest;

import dev.vireo.cli.VireoCliException;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Prepares the default guest from Debian trixie riscv64 packages and finds it again.
 *
 * <p>Layout: {@code <cache>/guest/<key>/} holds {@code kernel}, {@code initrd},
 * {@code fw_dynamic.bin} and {@code manifest.properties} (versions, sizes, SHA-256); the key
 * is the package versions plus a hash of the initramfs inputs, so a change to either builds
 * a new guest. {@code <cache>/guest/current} names the newest one. {@code <cache>/apt/} is
 * apt's private state and the downloaded .debs.
 */
public final class GuestBuilder {
    static final String KERNEL_META = "linux-image-riscv64", BUSYBOX = "busybox-static", OPENSBI = "opensbi";
    static final String FIRMWARE_PATH = "usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin";
    /** Bump when the way the guest is assembled changes (part of the cache key). */
    private static final int RECIPE = 1;

    private final Path cacheRoot;

    public GuestBuilder(Path cacheRoot) {
        this.cacheRoot = cacheRoot;
    }

    /** {@code ${XDG_CACHE_HOME:-$HOME/.cache}/vireo}. */
    public static Path defaultCacheRoot() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("vireo");
    }

    static DefaultGuest locate() {
        return new GuestBuilder(defaultCacheRoot()).find();
    }

    /** The prepared guest named by {@code guest/current}, verified; or a clear error. */
    public DefaultGuest find() {
        Path current = cacheRoot.resolve("guest/current");
        try {
            if (Files.isRegularFile(current)) {
                Path dir = cacheRoot.resolve("guest").resolve(Files.readString(current).strip());
                String problem = verify(dir);
                if (problem == null) return load(dir);
                throw new VireoCliException("the default guest in " + dir + " is damaged (" + problem
                        + "); run: ./vireo guest prepare");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new VireoCliException("the default guest is not prepared; run: ./vireo guest prepare");
    }

    /** Builds the guest unless a verified one with the same inputs is cached; returns it. */
    public DefaultGuest prepare(PrintStream progress) throws IOException {
        String mirror = HostAptSources.mirror(Path.of("/etc/apt")).orElseThrow(() -> new VireoCliException(
                "no Debian mirror found in /etc/apt/sources.list(.d); set VIREO_DEBIAN_MIRROR=http://…/debian"));
        PrivateApt apt = new PrivateApt(cacheRoot.resolve("apt"), mirror);
        apt.update(progress);

        Map<String, String> kernelMeta = apt.show(KERNEL_META);
        String kernelPackage = kernelMeta.getOrDefault("Depends", "").split("[ ,(]")[0];
        if (!kernelPackage.startsWith("linux-image-")) {
            throw new VireoCliException(KERNEL_META + " does not depend on a linux-image package: " + kernelMeta.get("Depends"));
        }
        Map<String, String> versions = new LinkedHashMap<>();
        Map<String, Map<String, String>> packages = new LinkedHashMap<>();
        for (String pkg : List.of(kernelPackage, BUSYBOX, OPENSBI)) {
            Map<String, String> fields = apt.show(pkg);
            packages.put(pkg, fields);
            versions.put(pkg, fields.get("Version"));
        }
        String key = cacheKey(versions);
        Path dir = cacheRoot.resolve("guest").resolve(key);
        if (verify(dir) == null) {
            progress.println("default guest is up to date (" + describe(versions) + "); reusing " + dir);
            markCurrent(key);
            return load(dir);
        }
        if (Files.exists(dir)) progress.println("cached guest in " + dir + " is incomplete or damaged (" + verify(dir) + "); rebuilding");

        Path work = Files.createDirectories(cacheRoot.resolve("guest")).resolve(key + ".partial");
        deleteTree(work);
        Path root = Files.createDirectories(work.resolve("root"));
        int step = 0;
        for (var e : packages.entrySet()) {
            String pkg = e.getKey();
            String size = e.getValue().getOrDefault("Size", "?");
            progress.printf("[%d/5] downloading %s %s (%s bytes)…%n", ++step, pkg, versions.get(pkg), size);
            Path deb = apt.download(pkg, versions.get(pkg), e.getValue().getOrDefault("Architecture", PrivateApt.ARCH));
            try {
                HostCommand.run(null, List.of("dpkg-deb", "-x", deb.toString(), root.toString()));
            } catch (VireoCliException ex) {
                Files.deleteIfExists(deb);  // a truncated download: fetch it again next time
                throw new VireoCliException("cannot unpack " + deb.getFileName() + " (removed it; run prepare again): " + ex.getMessage());
            }
        }
        progress.printf("[4/5] extracting kernel and firmware…%n");
        Path kernel = findKernel(root);
        Files.copy(kernel, work.resolve("kernel"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(root.resolve(FIRMWARE_PATH), work.resolve("fw_dynamic.bin"), StandardCopyOption.REPLACE_EXISTING);
        String kernelRelease = kernel.getFileName().toString().substring("vmlinux-".length());
        Path modules = firstExisting(root.resolve("usr/lib/modules").resolve(kernelRelease), root.resolve("lib/modules").resolve(kernelRelease));
        progress.printf("[5/5] building initramfs (busybox + %s modules, %s with a disk, of %s)…%n",
                InitramfsBuilder.moduleNames("modules.list"), InitramfsBuilder.moduleNames("modules-disk.list"), kernelRelease);
        InitramfsBuilder.build(firstExisting(root.resolve("bin/busybox"), root.resolve("usr/bin/busybox")), modules, work.resolve("initrd"));
        deleteTree(root);

        Properties manifest = new Properties();
        versions.forEach((k, v) -> manifest.setProperty("version." + k, v));
        manifest.setProperty("kernel.release", kernelRelease);
        for (String f : List.of("kernel", "initrd", "fw_dynamic.bin")) {
            manifest.setProperty("size." + f, Long.toString(Files.size(work.resolve(f))));
            manifest.setProperty("sha256." + f, sha256(work.resolve(f)));
        }
        try (var out = Files.newOutputStream(work.resolve("manifest.properties"))) {
            manifest.store(out, "vireo default guest");
        }
        deleteTree(dir);
        Files.move(work, dir, StandardCopyOption.ATOMIC_MOVE);
        markCurrent(key);
        progress.println("default guest ready in " + dir);
        return load(dir);
    }

    private void markCurrent(String key) throws IOException {
        Path tmp = cacheRoot.resolve("guest/current.tmp");
        Files.writeString(tmp, key + "\n");
        Files.move(tmp, cacheRoot.resolve("guest/current"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Null when every artifact matches the manifest; otherwise what is wrong. */
    static String verify(Path dir) throws IOException {
        Path manifestFile = dir.resolve("manifest.properties");
        if (!Files.isRegularFile(manifestFile)) return "no manifest";
        Properties manifest = new Properties();
        try (InputStream in = Files.newInputStream(manifestFile)) {
            manifest.load(in);
        }
        for (String f : List.of("kernel", "initrd", "fw_dynamic.bin")) {
            Path p = dir.resolve(f);
            if (!Files.isRegularFile(p)) return f + " is missing";
            if (!Long.toString(Files.size(p)).equals(manifest.getProperty("size." + f))) return f + " has the wrong size";
            if (!sha256(p).equals(manifest.getProperty("sha256." + f))) return f + " has the wrong checksum";
        }
        return null;
    }

    private static DefaultGuest load(Path dir) throws IOException {
        Properties manifest = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve("manifest.properties"))) {
            manifest.load(in);
        }
        Map<String, String> versions = new LinkedHashMap<>();
        manifest.stringPropertyNames().stream().filter(k -> k.startsWith("version.")).sorted()
                .forEach(k -> versions.put(k.substring("version.".length()), manifest.getProperty(k)));
        return new DefaultGuest(dir.resolve("kernel"), dir.resolve("initrd"), dir.resolve("fw_dynamic.bin"), versions);
    }

    static String cacheKey(Map<String, String> versions) {
        MessageDigest digest = sha256();
        digest.update(("recipe " + RECIPE).getBytes());
        for (String r : InitramfsBuilder.RESOURCES) digest.update(InitramfsBuilder.resource(r));
        String inputs = HexFormat.of().formatHex(digest.digest()).substring(0, 8);
        List<String> parts = new ArrayList<>();
        versions.forEach((pkg, v) -> parts.add(shortName(pkg) + "-" + v.replaceAll("[^A-Za-z0-9.+~-]", "_")));
        return String.join("_", parts) + "_" + inputs;
    }

    private static String shortName(String pkg) {
        if (pkg.startsWith("linux-image-")) return "linux";
        return pkg.replace("-static", "");
    }

    private static String describe(Map<String, String> versions) {
        List<String> parts = new ArrayList<>();
        versions.forEach((k, v) -> parts.add(k + " " + v));
        return String.join(", ", parts);
    }

    private static Path findKernel(Path root) throws IOException {
        try (Stream<Path> files = Files.list(root.resolve("boot"))) {
            return files.filter(p -> p.getFileName().toString().startsWith("vmlinux-")).findFirst()
                    .orElseThrow(() -> new VireoCliException("the kernel package has no /boot/vmlinux-*"));
        }
    }

    private static Path firstExisting(Path... candidates) {
        for (Path p : candidates) if (Files.exists(p)) return p;
        throw new VireoCliException("expected one of " + List.of(candidates) + " in the Debian packages");
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                if (!Files.isWritable(p.getParent())) p.getParent().toFile().setWritable(true);
                Files.delete(p);
            }
        }
    }
}
