package dev.vireo.image;

import dev.vireo.image.qcow2.Qcow2Image;
import dev.vireo.image.raw.RawImage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Where a disk's bytes live, layer by layer: the basis of {@code map}, sparse {@code convert} and {@code commit}. */
public final class Extents {
    private Extents() { }

    /** Extents covering [0, size) of {@code image}, merged where adjacent and alike. */
    public static List<Extent> of(DiskImage image) throws IOException {
        List<Extent> out = new ArrayList<>();
        describe(image, 0, image.size(), 0, out);
        return out;
    }

    private static void describe(DiskImage image, long position, long length, int depth, List<Extent> out) throws IOException {
        long[] status = new long[2];
        long end = position + length;
        while (position < end) {
            if (image instanceof Qcow2Image q) {
                long n = Math.min(q.status(position, status), end - position);
                String file = q.path().toString();
                switch ((int) status[0]) {
                    case Qcow2Image.DATA -> add(out, new Extent(position, n, depth, true, false, true, status[1], file));
                    case Qcow2Image.COMPRESSED_DATA -> add(out, new Extent(position, n, depth, true, false, true, -1, file));
                    case Qcow2Image.ZEROED -> add(out, new Extent(position, n, depth, true, true, false, -1, file));
                    default -> {
                        DiskImage b = q.backing();
                        long inBacking = b == null ? 0 : Math.max(0, Math.min(n, b.size() - position));
                        if (inBacking > 0) describe(b, position, inBacking, depth + 1, out);
                        if (n > inBacking) add(out, new Extent(position + inBacking, n - inBacking, depth, false, true, false, -1, file));
                    }
                }
                position += n;
            } else {
                String file = image instanceof RawImage r ? r.path().toString() : image.toString();
                add(out, new Extent(position, end - position, depth, true, false, true, image instanceof RawImage ? position : -1, file));
                position = end;
            }
        }
    }

    private static void add(List<Extent> out, Extent e) {
        if (!out.isEmpty() && out.getLast().continues(e)) out.set(out.size() - 1, out.getLast().join(e));
        else out.add(e);
    }
}
