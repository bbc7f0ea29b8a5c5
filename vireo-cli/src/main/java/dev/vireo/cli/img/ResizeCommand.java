package dev.vireo.cli.img;

import dev.vireo.image.DiskImage;
import dev.vireo.image.ImageException;
import dev.vireo.image.qcow2.Qcow2Image;
import dev.vireo.image.raw.RawImage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;

/** {@code vireo img resize [--shrink] FILE [+|-]SIZE}. qcow2 grows only; raw shrinks with {@code --shrink}. */
@Command(name = "resize", description = "Change an image's virtual size.", mixinStandardHelpOptions = true)
final class ResizeCommand extends ImgVerb {
    @Option(names = "-f") String format;
    @Option(names = "--shrink", description = "Allow shrinking (raw), losing the data beyond the new end.") boolean shrink;
    @Option(names = "-q") boolean quiet;
    @Parameters(index = "0", paramLabel = "FILE") String file;
    @Parameters(index = "1", paramLabel = "SIZE", description = "New size, or +SIZE / -SIZE relative.") String size;

    @Override
    int execute() throws IOException {
        try (DiskImage img = open(file, format, false)) {
            long newSize = size.startsWith("+") ? img.size() + Sizes.parse(size.substring(1))
                    : size.startsWith("-") ? img.size() - Sizes.parse(size.substring(1)) : Sizes.parse(size);
            if (newSize < img.size() && !shrink)
                throw new ImageException("shrinking '" + file + "' loses data beyond " + newSize + " bytes; pass --shrink if that is intended");
            switch (img) {
                case Qcow2Image q -> q.resize(newSize);
                case RawImage r -> r.resize(newSize);
                default -> throw new ImageException("'" + file + "' cannot be resized in its format; convert it to qcow2 first");
            }
        }
        if (!quiet) out().println("Image resized.");
        return 0;
    }
}
