package dev.vireo.image;

import dev.vireo.image.qcow2.Qcow2Image;
import dev.vireo.image.raw.FileSpace;
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
            } else if (image instanceof RawImage r) {
                describeRaw(r, position, end, depth, out);
                position = end;
            } else {
                add(out, new Extent(position, end - position, depth, true, false, true, -1, image.toString()));
                position = end;
            }
        }
    }

    /** A raw file: data where the file system holds data, zero over its holes (as qemu-img map). */
    private static void describeRaw(RawImage raw, long position, long end, int depth, List<Extent> out) {
        String file = raw.path().toString();
        long[] data = FileSpace.dataRanges(raw.path(), position, end);
        if (data == null) data = new long[] {position, end};
        for (int i = 0; i < data.length && position < end; i += 2) {
            long from = Math.max(data[i], position), to = Math.min(data[i + 1], end);
            if (to <= from) continue;
            if (from > position) add(out, new Extent(position, from - position, depth, true, true, false, position, file));
            add(out, new Extent(from, to - from, depth, true, false, true, from, file));
            position = to;
        }
        if (position < end) add(out, new Extent(position, end - position, depth, true, true, false, position, file));
    }

    private static void add(List<Extent> out, Extent e) {
        if (!out.isEmpty() && out.getLast().continues(e)) out.set(out.size() - 1, out.getLast().join(e));
        else out.add(e);
    }
}
