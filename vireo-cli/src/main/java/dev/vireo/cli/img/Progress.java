package dev.vireo.cli.img;

import java.io.PrintWriter;
import java.util.Locale;

/** qemu-img's progress line "    (42.00/100%)", redrawn in place; silent unless enabled (-p or a tty). */
final class Progress {
    private final PrintWriter out;
    private final boolean enabled;
    private int lastHundredths = -1;

    Progress(PrintWriter out, boolean requested) {
        this.out = out;
        this.enabled = requested || (System.console() != null && System.console().isTerminal());
    }

    void update(long done, long total) {
        if (!enabled) return;
        int h = total <= 0 ? 10000 : (int) Math.min(10000, done * 10000 / total);
        if (h - lastHundredths < 100 && h != 10000) return;
        if (h == lastHundredths) return;
        lastHundredths = h;
        out.printf(Locale.ROOT, "    (%d.%02d/100%%)\r", h / 100, h % 100);
        out.flush();
    }

    void finish(long total) {
        update(total, total);
        if (enabled) { out.println(); out.flush(); }
    }
}
