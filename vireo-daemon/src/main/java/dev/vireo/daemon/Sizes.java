package dev.vireo.daemon;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes as users write them: {@code 512M}, {@code 2G}, {@code 2GiB}, {@code 1048576} (bytes). Binary units. */
public final class Sizes {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([KMGT]?)(I?B)?", Pattern.CASE_INSENSITIVE);

    private Sizes() {}

    /** Parses {@code text}; a 400 that shows the accepted forms otherwise. */
    public static long parse(String what, String text) {
        Matcher m = text == null ? null : SIZE.matcher(text.strip());
        if (m == null || !m.matches()) throw invalid(what, text);
        int shift = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            default -> 0;
        };
        try {
            long value = Long.parseLong(m.group(1));
            if (value == 0) throw ApiException.badRequest(what + " '" + text + "' is zero; give a positive size such as 512M");
            if (value > (Long.MAX_VALUE >> shift)) throw invalid(what, text);
            return value << shift;
        } catch (NumberFormatException e) {
            throw invalid(what, text);
        }
    }

    public static String format(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    private static ApiException invalid(String what, String text) {
        return ApiException.badRequest(what + " '" + text + "' is not a size; write it like 512M, 2G or 1073741824 (bytes)");
    }
}
