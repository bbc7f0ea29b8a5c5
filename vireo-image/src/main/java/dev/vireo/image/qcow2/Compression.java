package dev.vireo.image.qcow2;

import dev.vireo.image.ImageException;

import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * qcow2 compressed clusters: raw deflate (no zlib header). QEMU inflates with a 4 KiB window
 * (windowBits -12), while {@link Deflater} always uses 32 KiB; so we compress 4 KiB at a time
 * with {@link Deflater#FULL_FLUSH} between chunks, which forbids back-references across
 * chunk boundaries and keeps every distance under 4096. Interop tests check that qemu-img
 * reads the result.
 */
final class Compression {
    private static final int WINDOW = 4096;
    private final Inflater inflater = new Inflater(true);
    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);

    /** Inflates {@code in[0, inLength)} into exactly {@code out.length} bytes. */
    void decompress(byte[] in, int inLength, byte[] out, String name) throws ImageException {
        inflater.reset();
        inflater.setInput(in, 0, inLength);
        try {
            int n = 0;
            while (n < out.length) {
                int k = inflater.inflate(out, n, out.length - n);
                if (k == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) break;
                n += k;
            }
            if (n != out.length) throw new ImageException("compressed cluster in '" + name + "' inflates to "
                    + n + " bytes instead of " + out.length + "; the image is corrupt, restore it from a backup");
        } catch (DataFormatException e) {
            throw new ImageException("compressed cluster in '" + name + "' is not valid deflate data ("
                    + e.getMessage() + "); the image is corrupt, restore it from a backup", e);
        }
    }

    /** Deflates {@code in}; returns the compressed length in {@code out}, or -1 if it does not shrink. */
    int compress(byte[] in, byte[] out) {
        deflater.reset();
        int n = 0;
        for (int p = 0; p < in.length; p += WINDOW) {
            deflater.setInput(in, p, Math.min(WINDOW, in.length - p));
            boolean last = p + WINDOW >= in.length;
            if (last) deflater.finish();
            while (true) {
                int space = out.length - n;
                if (space <= 0) return -1;
                int k = deflater.deflate(out, n, space, last ? Deflater.NO_FLUSH : Deflater.FULL_FLUSH);
                n += k;
                if (last ? deflater.finished() : k < space) break;
            }
        }
        return n < in.length ? n : -1;
    }

    void close() {
        inflater.end();
        deflater.end();
    }
}
