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
                position = describeQcow2(q, position, end, depth, status, out);
            } else if (image instanceof RawImage r) {
                describeRaw(r, position, end, depth, out);
                position = end;
            } else {
                add(out, new Extent(position, end - position, depth, true, false, true, -1, image.toString()));
                position = end;
            }
        }
    }

    /**
     * A qcow2 layer from {@code position} up to {@code end} or the first unallocated cluster
     * (described from the backing chain by the caller's next round), whichever comes first;
     * returns where it stopped. Clusters come one {@link Qcow2Image#status} at a time, but a run
     * of alike clusters (data at consecutive host offsets, compressed, zero) becomes one extent
     * only when it ends: making and joining an {@link Extent} per cluster was most of the cost
     * of a convert's allocation map (16,384 clusters per GiB, still interpreted at that point).
     */
    private static long describeQcow2(Qcow2Image q, long position, long end, int depth, long[] status, List<Extent> out)
            throws IOException {
        String file = q.path().toString();
        long runStart = position, runOffset = -1;
        int runKind = -1;
        while (position < end) {
            long n = Math.min(q.status(position, status), end - position);
            int kind = (int) status[0];
            if (kind == Qcow2Image.UNALLOCATED) {
                flush(out, runKind, runStart, position, runOffset, depth, file);
                DiskImage b = q.backing();
                long inBacking = b == null ? 0 : Math.max(0, Math.min(n, b.size() - position));
                if (inBacking > 0) describe(b, position, inBacking, depth + 1, out);
                if (n > inBacking) add(out, new Extent(position + inBacking, n - inBacking, depth, false, true, false, -1, file));
                return position + n;
            }
            long offset = kind == Qcow2Image.DATA ? status[1] : -1;
            boolean continues = kind == runKind && (offset < 0 ? runOffset < 0 : offset == runOffset + (position - runStart));
            if (!continues) {
                flush(out, runKind, runStart, position, runOffset, depth, file);
                runKind = kind;
                runStart = position;
                runOffset = offset;
            }
            position += n;
        }
        flush(out, runKind, runStart, position, runOffset, depth, file);
        return position;
    }

    /** Adds the run [start, end) of qcow2 status {@code kind} (none when kind is -1). */
    private static void flush(List<Extent> out, int kind, long start, long end, long offset, int depth, String file) {
        switch (kind) {
            case Qcow2Image.DATA -> add(out, new Extent(start, end - start, depth, true, false, true, offset, file));
            case Qcow2Image.COMPRESSED_DATA -> add(out, new Extent(start, end - start, depth, true, false, true, -1, file));
            case Qcow2Image.ZEROED -> add(out, new Extent(start, end - start, depth, true, true, false, -1, file));
            default -> { }
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
