package dev.vireo.cli.run;

import java.io.ByteArrayOutputStream;

/**
 * The console's escape key, as QEMU's {@code -nographic} mux: Ctrl-A then {@code x} quits,
 * Ctrl-A Ctrl-A sends one Ctrl-A to the guest, Ctrl-A then anything else sends both keys.
 * Everything else passes through. One instance per terminal; used on the console thread.
 */
public final class ConsoleEscape {
    public static final int CTRL_A = 0x01;

    private boolean escaped;
    private boolean quit;

    /** Filters {@code length} input bytes; returns the bytes for the guest. */
    public byte[] filter(byte[] input, int length) {
        ByteArrayOutputStream guest = new ByteArrayOutputStream(length);
        for (int i = 0; i < length && !quit; i++) {
            int b = input[i] & 0xFF;
            if (escaped) {
                escaped = false;
                if (b == 'x' || b == 'X') {
                    quit = true;
                } else if (b == CTRL_A) {
                    guest.write(CTRL_A);
                } else {
                    guest.write(CTRL_A);
                    guest.write(b);
                }
            } else if (b == CTRL_A) {
                escaped = true;
            } else {
                guest.write(b);
            }
        }
        return guest.toByteArray();
    }

    /** True once the user typed Ctrl-A x. */
    public boolean quitRequested() { return quit; }
}
