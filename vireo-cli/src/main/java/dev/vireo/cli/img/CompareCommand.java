package dev.vireo.cli.img;

import dev.vireo.image.DiskImage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.Arrays;

/**
 * {@code vireo img compare [-f fmt] [-F fmt] [-s] A B}: guest views equal? Bytes past the end of
 * the shorter image must be zero (unless {@code -s}, strict sizes). Exit 0 identical, 1 different, 2 error.
 */
@Command(name = "compare", description = "Compare the contents of two images.", mixinStandardHelpOptions = true)
final class CompareCommand extends ImgVerb {
    @Option(names = "-f") String formatA;
    @Option(names = "-F") String formatB;
    @Option(names = "-s", description = "Strict: different sizes mean different images.") boolean strict;
    @Option(names = "-q") boolean quiet;
    @Option(names = "-p") boolean progress;
    @Parameters(index = "0") String a;
    @Parameters(index = "1") String b;

    @Override
    int errorExitCode() { return 2; }

    @Override
    int execute() throws IOException {
        try (DiskImage x = open(a, formatA, true); DiskImage y = open(b, formatB, true)) {
            if (strict && x.size() != y.size()) {
                if (!quiet) out().println("Strict mode: Image size mismatch!");
                return 1;
            }
            long common = Math.min(x.size(), y.size()), end = Math.max(x.size(), y.size());
            byte[] p = new byte[1 << 20], q = new byte[1 << 20];
            Progress bar = new Progress(out(), progress && !quiet);
            for (long pos = 0; pos < end; ) {
                int n = (int) Math.min(p.length, (pos < common ? common : end) - pos);
                if (pos < x.size()) x.read(pos, p, 0, n); else Arrays.fill(p, 0, n, (byte) 0);
                if (pos < y.size()) y.read(pos, q, 0, n); else Arrays.fill(q, 0, n, (byte) 0);
                int m = Arrays.mismatch(p, 0, n, q, 0, n);
                if (m >= 0) {
                    if (!quiet) out().println("Content mismatch at offset " + (pos + m) + "!");
                    return 1;
                }
                pos += n;
                bar.update(pos, end);
            }
            bar.finish(end);
        }
        if (!quiet) out().println("Images are identical.");
        return 0;
    }
}
