package dev.vireo.cli.img;

import dev.vireo.image.DiskImage;
import dev.vireo.image.Extent;
import dev.vireo.image.Extents;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
                List<Object> rows = new ArrayList<>();
                for (Extent e : extents) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("start", e.start());
                    m.put("length", e.length());
                    m.put("depth", e.depth());
                    m.put("present", e.present());
                    m.put("zero", e.zero());
                    m.put("data", e.data());
                    if (e.offset() >= 0) m.put("offset", e.offset());
                    rows.add(m);
                }
                out().println(Json.write(rows));
            } else {
                out().printf("%-16s%-16s%-16s%s%n", "Offset", "Length", "Mapped to", "File");
                for (Extent e : extents)
                    if (e.data() && e.offset() >= 0)
                        out().printf("%-#16x%-#16x%-#16x%s%n", e.start(), e.length(), e.offset(), e.file());
            }
        }
        return 0;
    }
}
