package dev.vireo.cli.img;

import dev.vireo.image.DiskImage;
import dev.vireo.image.Extent;
import dev.vireo.image.Extents;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.List;

/** {@code vireo img map [--output human|json] FILE}: where each guest range is stored, like qemu-img map. */
@Command(name = "map", description = "Show the guest-to-file mapping of an image.", mixinStandardHelpOptions = true)
final class MapCommand extends ImgVerb {
    @Option(names = "-f") String format;
    @Option(names = "--output", description = "human (default) or json") String output = "human";
    @Parameters(index = "0", paramLabel = "FILE") String file;

    @Override
    int execute() throws IOException {
        try (DiskImage img = open(file, format, true)) {
            List<Extent> extents = Extents.of(img);
            if (output.equals("json")) {
                StringBuilder b = new StringBuilder("[");
                for (int i = 0; i < extents.size(); i++) {
                    Extent e = extents.get(i);
                    b.append(i == 0 ? "" : ",\n").append("{ \"start\": ").append(e.start()).append(", \"length\": ").append(e.length())
                            .append(", \"depth\": ").append(e.depth()).append(", \"present\": ").append(e.present())
                            .append(", \"zero\": ").append(e.zero()).append(", \"data\": ").append(e.data());
                    if (e.offset() >= 0) b.append(", \"offset\": ").append(e.offset());
                    b.append("}");
                }
                out().println(b.append("]"));
            } else {
                out().printf("%-16s%-16s%-16s%s%n", "Offset", "Length", "Mapped to", "File");
                for (Extent e : extents)
                    if (e.data() && e.offset() >= 0)
                        out().printf("%-16s%-16s%-16s%s%n", hex(e.start()), hex(e.length()), hex(e.offset()), e.file());
            }
        }
        return 0;
    }

    private static String hex(long v) { return v == 0 ? "0" : "0x" + Long.toHexString(v); }
}
