package dev.vireo.cli.guest;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the Debian mirror the host's apt already uses, so that Vireo never hard-codes a host
 * name: the first main-archive URI (not a security or updates-only archive) in
 * {@code /etc/apt/sources.list.d/*.sources} (deb822) or {@code /etc/apt/sources.list}.
 * {@code VIREO_DEBIAN_MIRROR} overrides it.
 */
final class HostAptSources {
    private HostAptSources() {}

    static Optional<String> mirror(Path etcApt) {
        String override = System.getenv("VIREO_DEBIAN_MIRROR");
        if (override != null && !override.isBlank()) return Optional.of(trim(override));
        List<String> candidates = new ArrayList<>();
        Path dir = etcApt.resolve("sources.list.d");
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.sources")) {
                List<Path> sorted = new ArrayList<>();
                files.forEach(sorted::add);
                sorted.sort(null);
                for (Path f : sorted) candidates.addAll(fromDeb822(Files.readString(f)));
            } catch (IOException e) {
                // an unreadable file is skipped: the next source may still name a mirror
            }
        }
        Path list = etcApt.resolve("sources.list");
        if (Files.isReadable(list)) {
            try {
                candidates.addAll(fromOneLineFormat(Files.readString(list)));
            } catch (IOException e) {
                // as above
            }
        }
        return candidates.stream().findFirst();
    }

    /** URIs of deb822 stanzas of type deb whose suites are not only security suites. */
    static List<String> fromDeb822(String text) {
        List<String> result = new ArrayList<>();
        for (String stanza : text.split("\\n\\s*\\n")) {
            String types = field(stanza, "Types");
            String uris = field(stanza, "URIs");
            String suites = field(stanza, "Suites");
            if (types == null || uris == null || !List.of(types.split("\\s+")).contains("deb")) continue;
            if (suites != null && suites.contains("security")) continue;
            if (uris.contains("security")) continue;
            for (String uri : uris.split("\\s+")) if (!uri.isBlank()) result.add(trim(uri));
        }
        return result;
    }

    /** URIs of "deb [options] URI suite components" lines, security archives skipped. */
    static List<String> fromOneLineFormat(String text) {
        List<String> result = new ArrayList<>();
        for (String line : text.split("\\n")) {
            String l = line.strip();
            if (!l.startsWith("deb ")) continue;
            l = l.substring(4).strip();
            if (l.startsWith("[")) l = l.substring(l.indexOf(']') + 1).strip();
            String[] parts = l.split("\\s+");
            if (parts.length < 2 || parts[0].contains("security") || parts[1].contains("security")) continue;
            result.add(trim(parts[0]));
        }
        return result;
    }

    private static String field(String stanza, String name) {
        for (String line : stanza.split("\\n")) {
            if (line.startsWith("#")) continue;
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).strip();
            }
        }
        return null;
    }

    private static String trim(String uri) {
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }
}
