package dev.vireo.machine.virtio.blk;

import dev.vireo.image.DiskImage;
import dev.vireo.image.DiskImages;
import dev.vireo.image.ImageFormat;
import dev.vireo.image.OpenOptions;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * One {@code --disk} argument, shared by {@code vireo run} and the daemon:
 * {@code path[,format=qcow2|raw|vmdk|vdi][,readonly=on|off][,cache=writeback|none]}.
 * A comma inside the path is written twice ({@code a,,b} is the file {@code a,b}), as QEMU
 * does. Without {@code format}, the image format is probed when the disk is opened.
 *
 * @param format  empty means "probe" ({@link DiskImages#probe})
 * @param cache   {@code WRITEBACK}: host page cache, guest flushes made durable by fdatasync;
 *                {@code NONE}: bypass the host page cache (O_DIRECT on the image and its
 *                backing files, as QEMU); guest flushes are still fdatasyncs, for the
 *                device's write cache. Both are crash-safe because the device offers
 *                VIRTIO_BLK_F_FLUSH and flush is durable.
 */
public record DiskSpec(Path path, Optional<ImageFormat> format, boolean readOnly, Cache cache) {
    public enum Cache { WRITEBACK, NONE }

    public DiskSpec {
        if (path == null) throw new IllegalArgumentException("disk path missing");
        if (format == null) format = Optional.empty();
        if (cache == null) cache = Cache.WRITEBACK;
    }

    /** Parses one {@code --disk} value; errors name the offending key or value and the accepted ones. */
    public static DiskSpec parse(String spec) {
        if (spec == null || spec.isEmpty()) throw new IllegalArgumentException("--disk needs a value: PATH[,format=…][,readonly=on|off][,cache=…]");
        StringBuilder path = new StringBuilder();
        int i = 0;
        while (i < spec.length()) {
            char ch = spec.charAt(i);
            if (ch == ',') {
                if (i + 1 < spec.length() && spec.charAt(i + 1) == ',') {
                    path.append(',');
                    i += 2;
                    continue;
                }
                break;
            }
            path.append(ch);
            i++;
        }
        if (path.isEmpty()) throw new IllegalArgumentException("--disk '" + spec + "': the path comes first and is missing");
        Optional<ImageFormat> format = Optional.empty();
        boolean readOnly = false;
        Cache cache = Cache.WRITEBACK;
        boolean seenFormat = false, seenReadOnly = false, seenCache = false;
        String options = i < spec.length() ? spec.substring(i + 1) : null;
        if (options != null) {
            for (String option : options.split(",", -1)) {
                int eq = option.indexOf('=');
                if (eq <= 0) throw new IllegalArgumentException("--disk '" + spec + "': option '" + option + "' is not KEY=VALUE");
                String key = option.substring(0, eq);
                String value = option.substring(eq + 1);
                switch (key) {
                    case "format" -> {
                        if (seenFormat) throw duplicate(spec, key);
                        seenFormat = true;
                        format = Optional.of(parseEnum(spec, key, value, ImageFormat.class));
                    }
                    case "readonly" -> {
                        if (seenReadOnly) throw duplicate(spec, key);
                        seenReadOnly = true;
                        readOnly = switch (value) {
                            case "on" -> true;
                            case "off" -> false;
                            default -> throw badValue(spec, key, value, "on, off");
                        };
                    }
                    case "cache" -> {
                        if (seenCache) throw duplicate(spec, key);
                        seenCache = true;
                        cache = parseEnum(spec, key, value, Cache.class);
                    }
                    default -> throw new IllegalArgumentException("--disk '" + spec + "': unknown option '" + key
                            + "' (known: format, readonly, cache)");
                }
            }
        }
        return new DiskSpec(Path.of(path.toString()), format, readOnly, cache);
    }

    private static <E extends Enum<E>> E parseEnum(String spec, String key, String value, Class<E> type) {
        for (E e : type.getEnumConstants()) {
            if (e.name().toLowerCase(Locale.ROOT).equals(value)) return e;
        }
        StringBuilder known = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            if (!known.isEmpty()) known.append(", ");
            known.append(e.name().toLowerCase(Locale.ROOT));
        }
        throw badValue(spec, key, value, known.toString());
    }

    private static IllegalArgumentException badValue(String spec, String key, String value, String known) {
        return new IllegalArgumentException("--disk '" + spec + "': " + key + "='" + value + "' is not one of " + known);
    }

    private static IllegalArgumentException duplicate(String spec, String key) {
        return new IllegalArgumentException("--disk '" + spec + "': option '" + key + "' given twice");
    }

    /** What {@link DiskImages#open} needs: the format (null to probe), write access and O_DIRECT for cache=none. */
    public OpenOptions openOptions() { return new OpenOptions(format.orElse(null), readOnly, false, cache == Cache.NONE); }

    /** Opens the image this spec names (probing its format when none was given). */
    public DiskImage open() throws IOException { return DiskImages.open(path, openOptions()); }

    /** The canonical text form; {@code parse(toString())} gives back an equal spec. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(path.toString().replace(",", ",,"));
        format.ifPresent(f -> s.append(",format=").append(f.name().toLowerCase(Locale.ROOT)));
        if (readOnly) s.append(",readonly=on");
        if (cache != Cache.WRITEBACK) s.append(",cache=").append(cache.name().toLowerCase(Locale.ROOT));
        return s.toString();
    }
}
