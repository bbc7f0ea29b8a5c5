package dev.vireo.cli.img;

import dev.vireo.image.ImageException;

import java.util.Locale;

/** qemu-img size syntax: a number with an optional binary suffix (k, M, G, T, P, E; b or none for bytes). */
final class Sizes {
    private Sizes() { }

    static long parse(String text) throws ImageException {
        String s = text.trim();
        if (s.isEmpty()) throw new ImageException("empty size; write it like 10G, 512M or 65536");
        char last = Character.toLowerCase(s.charAt(s.length() - 1));
        int shift = switch (last) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            case 't' -> 40;
            case 'p' -> 50;
            case 'e' -> 60;
            default -> 0;
        };
        String number = shift > 0 || last == 'b' ? s.substring(0, s.length() - 1) : s;
        try {
            double v = Double.parseDouble(number);
            if (v < 0 || Double.isNaN(v) || v * Math.pow(2, shift) > Long.MAX_VALUE) throw new NumberFormatException();
            return (long) (v * (1L << shift));
        } catch (NumberFormatException e) {
            throw new ImageException("invalid size '" + text + "'; write it like 10G, 512M or 65536");
        }
    }

    /** Human size like qemu-img: "1 GiB", "196 KiB", "1.5 MiB". */
    static String human(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
        if (u == 0) return bytes + " B";
        String n = String.format(Locale.ROOT, "%.3g", v);
        if (n.contains(".")) n = n.replaceAll("0+$", "").replaceAll("\\.$", "");
        return n + " " + units[u];
    }
}
