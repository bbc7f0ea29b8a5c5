package dev.vireo.cli.guest;

import dev.vireo.cli.VireoCliException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Builds the default guest's initramfs (gzip-compressed newc cpio): static busybox, the
 * /init, inittab, profile and udhcpc script from {@code guest/initramfs/}, and the kernel
 * modules named in {@code modules.list} and {@code modules-disk.list} with their dependencies
 * (read from each module's {@code depends=} modinfo field), decompressed and listed in load order
 * in {@code /etc/vireo/modules.order} and {@code modules-disk.order} (the modules /init loads only
 * when a disk exists, without those already in the first list).
 */
final class InitramfsBuilder {
    /** Files of guest/initramfs/, packaged as resources; they are part of the cache key. */
    static final List<String> RESOURCES = List.of("init", "inittab", "profile", "udhcpc.script", "modules.list",
            "modules-disk.list", "acpi-power-button");

    private InitramfsBuilder() {}

    static byte[] resource(String name) {
        try (InputStream in = InitramfsBuilder.class.getResourceAsStream("initramfs/" + name)) {
            if (in == null) throw new IllegalStateException("missing resource guest/initramfs/" + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The modules named in {@code list} (a resource: "modules.list" or "modules-disk.list"). */
    static List<String> moduleNames(String list) {
        List<String> names = new ArrayList<>();
        for (String line : new String(resource(list), StandardCharsets.UTF_8).split("\n")) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("#")) names.add(l);
        }
        return names;
    }

    /**
     * Writes the initramfs to {@code output}.
     *
     * @param busybox the static busybox binary (riscv64)
     * @param moduleTree {@code lib/modules/<kernel version>} of the kernel package
     */
    static void build(Path busybox, Path moduleTree, Path output) throws IOException {
        Map<String, Path> index = indexModules(moduleTree);
        List<String> order = new ArrayList<>(), diskOrder = new ArrayList<>();
        Map<String, byte[]> contents = new HashMap<>();
        Set<String> visiting = new LinkedHashSet<>();
        for (String name : moduleNames("modules.list")) resolve(normalize(name), index, order, contents, visiting);
        for (String name : moduleNames("modules-disk.list")) resolve(normalize(name), index, diskOrder, contents, visiting);

        try (OutputStream file = Files.newOutputStream(output);
             CpioWriter cpio = new CpioWriter(new GZIPOutputStream(file, 1 << 16))) {
            for (String d : List.of("bin", "sbin", "usr", "usr/bin", "usr/sbin", "usr/share", "usr/share/udhcpc",
                    "etc", "etc/vireo", "etc/acpi", "etc/acpi/PWRF", "lib", "lib/modules", "proc", "sys", "dev", "tmp", "run", "root")) {
                cpio.directory(d);
            }
            cpio.file("bin/busybox", 0755, Files.readAllBytes(busybox));
            cpio.symlink("bin/sh", "busybox");
            cpio.file("init", 0755, resource("init"));
            cpio.file("etc/inittab", 0644, resource("inittab"));
            cpio.file("etc/profile", 0644, resource("profile"));
            cpio.file("etc/passwd", 0644, "root:x:0:0:root:/root:/bin/sh\n".getBytes(StandardCharsets.US_ASCII));
            cpio.file("etc/group", 0644, "root:x:0:\n".getBytes(StandardCharsets.US_ASCII));
            cpio.file("usr/share/udhcpc/default.script", 0755, resource("udhcpc.script"));
            cpio.file("etc/acpi/PWRF/00000080", 0755, resource("acpi-power-button"));
            for (String module : contents.keySet().stream().sorted().toList()) {
                cpio.file("lib/modules/" + module + ".ko", 0644, contents.get(module));
            }
            cpio.file("etc/vireo/modules.order", 0644, loadOrder(order));
            cpio.file("etc/vireo/modules-disk.order", 0644, loadOrder(diskOrder));
        }
    }

    /** One module file name a line, in {@code order}. */
    private static byte[] loadOrder(List<String> order) {
        StringBuilder list = new StringBuilder();
        for (String module : order) list.append(module).append(".ko\n");
        return list.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Module names treat '-' and '_' alike (as modprobe does). */
    static String normalize(String name) {
        return name.replace('-', '_');
    }

    private static Map<String, Path> indexModules(Path tree) throws IOException {
        Map<String, Path> index = new HashMap<>();
        try (Stream<Path> files = Files.walk(tree)) {
            files.filter(Files::isRegularFile).forEach(p -> {
                String f = p.getFileName().toString();
                int dot = f.indexOf(".ko");
                if (dot > 0) index.put(normalize(f.substring(0, dot)), p);
            });
        }
        return index;
    }

    private static void resolve(String name, Map<String, Path> index, List<String> order,
                                Map<String, byte[]> contents, Set<String> visiting) throws IOException {
        if (contents.containsKey(name)) return;
        if (!visiting.add(name)) throw new VireoCliException("kernel module dependency cycle through " + visiting);
        Path file = index.get(name);
        if (file == null) {
            throw new VireoCliException("kernel module '" + name + "' is not in " + index.size()
                    + " modules of this kernel; edit guest/initramfs/modules.list");
        }
        byte[] module = file.toString().endsWith(".xz")
                ? HostCommand.run(null, List.of("xz", "-dc", file.toString()))
                : Files.readAllBytes(file);
        for (String dependency : depends(module)) resolve(normalize(dependency), index, order, contents, visiting);
        visiting.remove(name);
        contents.put(name, module);
        order.add(name);
    }

    /** The comma-separated {@code depends=} entry of a module's .modinfo strings. */
    static List<String> depends(byte[] module) {
        byte[] key = "\0depends=".getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + key.length < module.length; i++) {
            for (int j = 0; j < key.length; j++) if (module[i + j] != key[j]) continue outer;
            int start = i + key.length, end = start;
            while (end < module.length && module[end] != 0) end++;
            String value = new String(module, start, end - start, StandardCharsets.US_ASCII);
            List<String> result = new ArrayList<>();
            for (String d : value.split(",")) if (!d.isBlank()) result.add(d.strip());
            return result;
        }
        return List.of();
    }
}
