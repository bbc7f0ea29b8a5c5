package dev.vireo.cli.guest;

import dev.vireo.cli.VireoCliException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * apt with a private state: its own sources list, lists, cache and status under Vireo's cache
 * directory, for Debian trixie riscv64. The host's apt configuration is read (for the mirror)
 * but never changed. Uses the riscv64 Packages index only: it also lists the arch-all packages
 * (opensbi) because Debian's Release files declare No-Support-for-Architecture-all.
 */
final class PrivateApt {
    static final String SUITE = "trixie";
    static final String ARCH = "riscv64";
    private static final Duration LISTS_FRESH_FOR = Duration.ofHours(24);

    private final Path root;
    private final String mirror;

    PrivateApt(Path root, String mirror) {
        this.root = root;
        this.mirror = mirror;
    }

    Path debs() { return root.resolve("debs"); }

    private List<String> options() {
        return List.of(
                "-o", "Dir::Etc::SourceList=" + root.resolve("sources.list"),
                "-o", "Dir::Etc::SourceParts=" + root.resolve("sources.list.d"),
                "-o", "Dir::Etc::Preferences=/dev/null",
                "-o", "Dir::Etc::PreferencesParts=" + root.resolve("preferences.d"),
                "-o", "Dir::State=" + root.resolve("state"),
                "-o", "Dir::State::Lists=" + root.resolve("lists"),
                "-o", "Dir::State::status=" + root.resolve("status"),
                "-o", "Dir::Cache=" + root.resolve("cache"),
                "-o", "APT::Architecture=" + ARCH,
                "-o", "APT::Architectures::=" + ARCH,
                "-o", "APT::Sandbox::User=root",
                "-o", "Debug::NoLocking=1",
                "-o", "Acquire::Languages=none",
                "-q");
    }

    /** Writes the private sources list and refreshes the package lists unless they are fresh. */
    void update(PrintStream progress) throws IOException {
        for (String d : List.of("lists/partial", "cache/archives/partial", "state", "sources.list.d", "preferences.d", "debs")) {
            Files.createDirectories(root.resolve(d));
        }
        if (!Files.exists(root.resolve("status"))) Files.createFile(root.resolve("status"));
        String sources = "deb [arch=" + ARCH + " signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] "
                + mirror + " " + SUITE + " main\n";
        Path list = root.resolve("sources.list");
        boolean changed = !Files.exists(list) || !Files.readString(list).equals(sources);
        Files.writeString(list, sources);
        Path stamp = root.resolve("lists/.vireo-updated");
        if (!changed && Files.exists(stamp)
                && Files.getLastModifiedTime(stamp).toInstant().isAfter(Instant.now().minus(LISTS_FRESH_FOR))) {
            return;
        }
        progress.println("updating Debian " + SUITE + " " + ARCH + " package lists from " + mirror + " …");
        List<String> cmd = new ArrayList<>(List.of("apt-get"));
        cmd.addAll(options());
        cmd.add("update");
        try {
            HostCommand.run(root, cmd);
        } catch (VireoCliException e) {
            if (!Files.exists(stamp)) throw new VireoCliException("cannot read Debian's package lists: " + e.getMessage());
            progress.println("warning: package list update failed, using the lists from before (" + e.getMessage() + ")");
            return;
        }
        Files.writeString(stamp, Instant.now().toString());
        Files.setLastModifiedTime(stamp, FileTime.from(Instant.now()));
    }

    /** The candidate version's control fields of {@code pkg} (Version, Depends, Filename, SHA256…). */
    Map<String, String> show(String pkg) {
        List<String> cmd = new ArrayList<>(List.of("apt-cache"));
        cmd.addAll(options());
        cmd.addAll(List.of("show", "--no-all-versions", pkg));
        String text = new String(HostCommand.run(root, cmd), StandardCharsets.UTF_8);
        Map<String, String> fields = new LinkedHashMap<>();
        String last = null;
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                if (!fields.isEmpty()) break;
                continue;
            }
            if (Character.isWhitespace(line.charAt(0)) && last != null) {
                fields.merge(last, "\n" + line.strip(), String::concat);
                continue;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                last = line.substring(0, colon);
                fields.put(last, line.substring(colon + 1).strip());
            }
        }
        if (!fields.containsKey("Version")) {
            throw new VireoCliException("Debian " + SUITE + " " + ARCH + " has no package '" + pkg + "'");
        }
        return fields;
    }

    /** Downloads {@code pkg}'s candidate .deb into {@link #debs()} unless it is there already; returns its path. */
    Path download(String pkg, String version, String arch) {
        Path deb = debs().resolve(pkg + "_" + version.replace(":", "%3a") + "_" + arch + ".deb");
        if (Files.isRegularFile(deb)) return deb;
        List<String> cmd = new ArrayList<>(List.of("apt-get"));
        cmd.addAll(options());
        cmd.addAll(List.of("download", pkg + "=" + version));
        HostCommand.run(debs(), cmd);
        if (!Files.isRegularFile(deb)) {
            throw new VireoCliException("apt-get download " + pkg + " produced no " + deb.getFileName());
        }
        return deb;
    }
}
