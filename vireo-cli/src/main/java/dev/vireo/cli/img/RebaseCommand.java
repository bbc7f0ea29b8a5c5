package dev.vireo.cli.img;

import dev.vireo.image.DiskImage;
import dev.vireo.image.DiskImages;
import dev.vireo.image.ImageException;
import dev.vireo.image.ImageFormat;
import dev.vireo.image.OpenOptions;
import dev.vireo.image.qcow2.Qcow2Image;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * {@code vireo img rebase [-u] -b NEW [-F fmt] FILE}. Safe mode (default) copies into FILE every
 * cluster it does not hold whose content differs between the old and new backing, so the
 * guest view is unchanged; {@code -u} only rewrites the header. {@code -b ""} removes the backing file.
 */
@Command(name = "rebase", description = "Change the backing file of a qcow2 image.", mixinStandardHelpOptions = true)
final class RebaseCommand extends ImgVerb {
    @Option(names = "-u", description = "Unsafe: only change the header.") boolean unsafe;
    @Option(names = "-b", required = true, description = "New backing file (\"\" for none).") String newBacking;
    @Option(names = "-F", description = "Format of the new backing file.") String newFormat;
    @Option(names = "-f") String format;
    @Option(names = "-p") boolean progress;
    @Parameters(index = "0", paramLabel = "FILE") String file;

    @Override
    int execute() throws IOException {
        String backing = newBacking.isEmpty() ? null : newBacking;
        try (DiskImage img = open(file, format, false)) {
            if (!(img instanceof Qcow2Image q)) throw new ImageException("'" + file + "' is not qcow2; only qcow2 has a backing file");
            ImageFormat fmt = backing == null ? null : newFormat != null ? ImageFormat.parse(newFormat)
                    : DiskImages.probe(Qcow2Image.resolveBacking(q.path(), backing));
            if (!unsafe) copyDifferences(q, backing, fmt);
            q.setBacking(backing, fmt);
        }
        return 0;
    }

    private void copyDifferences(Qcow2Image q, String backing, ImageFormat fmt) throws IOException {
        DiskImage oldBacking = q.backing();
        DiskImage newB = backing == null ? null
                : DiskImages.open(Qcow2Image.resolveBacking(q.path(), backing), new OpenOptions(fmt, true, false));
        try {
            int cluster = q.header().clusterSize();
            byte[] a = new byte[cluster], b = new byte[cluster];
            long[] status = new long[2];
            Progress bar = new Progress(out(), progress);
            for (long pos = 0; pos < q.size(); ) {
                long n = q.status(pos, status);
                if (status[0] == Qcow2Image.UNALLOCATED) {
                    readOrZero(oldBacking, pos, a, (int) n);
                    readOrZero(newB, pos, b, (int) n);
                    if (Arrays.mismatch(a, 0, (int) n, b, 0, (int) n) >= 0) q.write(pos, a, 0, (int) n);
                }
                pos += n;
                bar.update(pos, q.size());
            }
            bar.finish(q.size());
        } finally {
            if (newB != null) newB.close();
        }
    }

    private static void readOrZero(DiskImage img, long pos, byte[] into, int n) throws IOException {
        long have = img == null ? 0 : Math.max(0, Math.min(n, img.size() - pos));
        if (have > 0) img.read(pos, into, 0, (int) have);
        Arrays.fill(into, (int) have, n, (byte) 0);
    }
}
