package dev.vireo.cli.img;

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

/**
 * {@code vireo img commit [-d] [-p] FILE}: writes what FILE holds (data and zeroed ranges)
 * into its backing file, then empties FILE unless {@code -d}.
 */
@Command(name = "commit", description = "Merge a qcow2 overlay into its backing file.", mixinStandardHelpOptions = true)
final class CommitCommand extends ImgVerb {
    @Option(names = "-f") String format;
    @Option(names = "-d", description = "Do not empty FILE afterwards.") boolean keep;
    @Option(names = "-p", description = "Show progress.") boolean progress;
    @Option(names = "-q") boolean quiet;
    @Parameters(index = "0", paramLabel = "FILE") String file;

    @Override
    int execute() throws IOException {
        try (DiskImage img = open(file, format, false)) {
            if (!(img instanceof Qcow2Image q) || q.header().backingFile == null)
                throw new ImageException("'" + file + "' has no backing file to commit into");
            Path backingPath = Qcow2Image.resolveBacking(q.path(), q.header().backingFile);
            ImageFormat bf = q.header().backingFormat != null ? ImageFormat.parse(q.header().backingFormat) : DiskImages.probe(backingPath);
            Progress bar = new Progress(out(), progress && !quiet);
            try (DiskImage base = DiskImages.open(backingPath, OpenOptions.of(bf, false))) {
                byte[] buffer = new byte[1 << 20];
                for (Extent e : Extents.of(q)) {
                    if (e.depth() != 0 || !e.present()) continue;
                    long end = Math.min(e.start() + e.length(), base.size());
                    for (long pos = e.start(); pos < end; ) {
                        int n = (int) Math.min(buffer.length, end - pos);
                        if (e.zero()) base.writeZeroes(pos, n, true);
                        else {
                            q.read(pos, buffer, 0, n);
                            base.write(pos, buffer, 0, n);
                        }
                        pos += n;
                        bar.update(pos, q.size());
                    }
                }
                base.flush();
            }
            bar.finish(q.size());
            if (!keep) q.makeEmpty();
        }
        if (!quiet) out().println("Image committed.");
        return 0;
    }
}
