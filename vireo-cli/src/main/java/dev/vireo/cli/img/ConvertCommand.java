package dev.vireo.cli.img;

import dev.vireo.image.CreateOptions;
import dev.vireo.image.DiskImage;
import dev.vireo.image.DiskImages;
import dev.vireo.image.Extent;
import dev.vireo.image.Extents;
import dev.vireo.image.ImageException;
import dev.vireo.image.ImageFormat;
import dev.vireo.image.OpenOptions;
import dev.vireo.image.qcow2.Qcow2Image;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code vireo img convert [-f fmt] -O fmt [-c] [-p] [-o opts] SRC DST}: copies the guest view
 * of SRC (any format, through its backing chain) into a new DST, skipping ranges that read
 * as zero so the output stays sparse. {@code -c} writes qcow2 compressed clusters.
 */
@Command(name = "convert", description = "Copy an image into a new image of another format.", mixinStandardHelpOptions = true)
final class ConvertCommand extends ImgVerb {
    private static final int CHUNK = 2 << 20;
    @Option(names = "-f") String format;
    @Option(names = "-O", description = "Output format: raw (default) or qcow2.") String outFormat = "raw";
    @Option(names = "-c", description = "Compress (qcow2 output).") boolean compress;
    @Option(names = "-p", description = "Show progress.") boolean progress;
    @Option(names = "-q", description = "Quiet.") boolean quiet;
    @Option(names = "-t", description = "Output cache mode: unsafe (default, like qemu-img: no fsync) or writeback (fsync at the end).")
    String cache = "unsafe";
    @Option(names = "-o", description = "Options for the output, as for create.") List<String> options = new ArrayList<>();
    @Parameters(index = "0", paramLabel = "SRC") String source;
    @Parameters(index = "1", paramLabel = "DST") String target;

    @Override
    int execute() throws IOException {
        ImageFormat outFmt = ImageFormat.parse(outFormat);
        if (compress && outFmt != ImageFormat.QCOW2) throw new ImageException("-c needs -O qcow2");
        try (DiskImage src = open(source, format, true)) {
            List<String> create = new ArrayList<>(List.of("-q", "-f", outFmt.id()));
            for (String o : options) { create.add("-o"); create.add(o); }
            create.add(target);
            create.add(Long.toString(src.size()));
            int rc = new picocli.CommandLine(new CreateCommand()).execute(create.toArray(String[]::new));
            if (rc != 0) throw new ImageException("cannot create '" + target + "'; check the -o options");
            try (DiskImage dst = DiskImages.open(Path.of(target), OpenOptions.of(outFmt, false).withUnsafeCache())) {
                copy(src, dst, new Progress(out(), progress && !quiet));
                if (!cache.equals("unsafe")) dst.flush();
            }
        }
        return 0;
    }

    private void copy(DiskImage src, DiskImage dst, Progress bar) throws IOException {
        long size = src.size();
        int cluster = dst instanceof Qcow2Image q ? q.header().clusterSize() : 65536;
        int chunk = Math.max(CHUNK, cluster);
        byte[] buffer = new byte[chunk], zeros = new byte[Math.min(cluster, chunk)];
        for (Extent e : Extents.of(src)) {
            if (e.zero() || !e.present()) { bar.update(e.start() + e.length(), size); continue; }
            long pos = e.start(), end = e.start() + e.length();
            while (pos < end) {
                long alignedEnd = Math.min(end, ((pos / chunk) + 1) * chunk);
                int n = (int) (alignedEnd - pos);
                src.read(pos, buffer, 0, n);
                writeNonZero(dst, pos, buffer, n, cluster, zeros);
                pos += n;
                bar.update(pos, size);
            }
        }
        bar.finish(size);
    }

    /** Writes the cluster-aligned pieces of {@code buffer} that are not all zero. */
    private void writeNonZero(DiskImage dst, long pos, byte[] buffer, int n, int cluster, byte[] zeros) throws IOException {
        int i = 0;
        while (i < n) {
            int piece = (int) Math.min(n - i, cluster - ((pos + i) % cluster));
            if (Arrays.mismatch(buffer, i, i + piece, zeros, 0, piece) < 0) { i += piece; continue; }
            if (compress && piece == cluster && dst instanceof Qcow2Image q) {
                q.writeCompressed(pos + i, Arrays.copyOfRange(buffer, i, i + piece));
                i += piece;
                continue;
            }
            int j = i + piece;
            while (j < n && !compress) {
                int next = (int) Math.min(n - j, cluster);
                if (Arrays.mismatch(buffer, j, j + next, zeros, 0, next) < 0) break;
                j += next;
            }
            if (compress && dst instanceof Qcow2Image q) {
                byte[] whole = new byte[cluster];
                long start = pos + i - ((pos + i) % cluster);
                q.read(start, whole, 0, (int) Math.min(cluster, q.size() - start));
                System.arraycopy(buffer, i, whole, (int) ((pos + i) % cluster), piece);
                if (q.size() - start >= cluster) q.writeCompressed(start, whole);
                else dst.write(pos + i, buffer, i, piece);
            } else {
                dst.write(pos + i, buffer, i, j - i);
            }
            i = j;
        }
    }
}
