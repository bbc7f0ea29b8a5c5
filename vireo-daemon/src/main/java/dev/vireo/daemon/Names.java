package dev.vireo.daemon;

import java.util.regex.Pattern;

/**
 * Names of VMs, disks, templates and snapshots: they become file names under VIREO_HOME, so
 * they are 1-40 characters of letters, digits, '.', '_' and '-', start with a letter or digit,
 * and never contain "..": no path traversal, no hidden files, nothing a shell would expand.
 */
public final class Names {
    public static final int MAX_LENGTH = 40;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,39}");

    private Names() {}

    /** Returns {@code name} when valid; throws a 400 that says what a name may contain otherwise. */
    public static String check(String kind, String name) {
        if (name == null || name.isEmpty()) throw ApiException.badRequest(kind + " name is missing; give a name such as 'web'");
        if (!NAME.matcher(name).matches() || name.contains("..")) {
            throw ApiException.badRequest(kind + " name '" + printable(name) + "' is invalid: use 1-" + MAX_LENGTH
                    + " letters, digits, '.', '_' or '-', starting with a letter or digit (no '/', no '..')");
        }
        return name;
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(80).forEach(c -> b.append(c < 0x20 || c == 0x7f ? '?' : (char) c));
        return b.toString();
    }
}
