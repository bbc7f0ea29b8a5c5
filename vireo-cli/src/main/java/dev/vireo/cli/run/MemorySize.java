package dev.vireo.cli.run;

import dev.vireo.cli.Main;
import dev.vireo.cli.VireoCliException;

import java.util.Locale;

/** Parses sizes such as {@code 512M}, {@code 2G}, {@code 1536MiB}; a bare number is MiB, as QEMU's {@code -m}. */
public final class MemorySize {
    private MemorySize() {}

    public static long parse(String text) {
        String s = text.strip().toUpperCase(Locale.ROOT);
        if (s.endsWith("IB")) s = s.substring(0, s.length() - 2);
        else if (s.endsWith("B") && s.length() > 1 && !Character.isDigit(s.charAt(s.length() - 2))) s = s.substring(0, s.length() - 1);
        int shift = 20;
        if (!s.isEmpty()) {
            switch (s.charAt(s.length() - 1)) {
                case 'K' -> shift = 10;
                case 'M' -> shift = 20;
                case 'G' -> shift = 30;
                case 'T' -> shift = 40;
                default -> shift = -1;
            }
            if (shift >= 0) s = s.substring(0, s.length() - 1);
            else shift = 20;
        }
        try {
            long value = Long.parseLong(s.strip());
            if (value <= 0 || value > (Long.MAX_VALUE >> shift)) throw new NumberFormatException();
            return value << shift;
        } catch (NumberFormatException e) {
            throw new VireoCliException("invalid memory size '" + text + "'; use e.g. 512M or 2G", Main.EXIT_USAGE);
        }
    }
}
