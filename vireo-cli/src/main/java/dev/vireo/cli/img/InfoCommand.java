package dev.vireo.cli.img;

import dev.vireo.image.DiskImage;
import dev.vireo.image.ImageFormat;
import dev.vireo.image.qcow2.Qcow2Header;
import dev.vireo.image.qcow2.Qcow2Image;
import dev.vireo.image.qcow2.Qcow2Snapshots;
import dev.vireo.image.qcow2.Snapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code vireo img info [-f fmt] [--output human|json] FILE}, shaped like qemu-img info. */
@Command(name = "info", description = "Show an image's format, sizes, backing file and format details.", mixinStandardHelpOptions = true)
final class InfoCommand extends ImgVerb {
    @Option(names = "-f") String format;
    @Option(names = "--output", description = "human (default) or json") String output = "human";
    @Parameters(index = "0", paramLabel = "FILE") String file;

    @Override
    int execute() throws IOException {
        ImageFormat f = formatOf(file, format);
        try (DiskImage img = open(file, f.id(), true)) {
            Map<String, Object> info = describe(file, f, img);
            if (output.equals("json")) out().println(Json.write(info));
            else printHuman(info);
        }
        return 0;
    }

    static Map<String, Object> describe(String file, ImageFormat f, DiskImage img) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("virtual-size", img.size());
        m.put("filename", file);
        if (img instanceof Qcow2Image q) m.put("cluster-size", q.header().clusterSize());
        m.put("format", f.id());
        m.put("actual-size", actualSize(Path.of(file)));
        if (img instanceof Qcow2Image q) {
            Qcow2Header h = q.header();
            if (h.backingFile != null) {
                m.put("backing-filename", h.backingFile);
                m.put("full-backing-filename", Qcow2Image.resolveBacking(Path.of(file), h.backingFile).toString());
                if (h.backingFormat != null) m.put("backing-filename-format", h.backingFormat);
            }
            List<Snapshot> snaps = new Qcow2Snapshots(q).list();
            if (!snaps.isEmpty()) {
                List<Object> l = new ArrayList<>();
                for (Snapshot s : snaps) {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("icount", 0);
                    e.put("vm-state-size", s.vmStateSize());
                    e.put("date-sec", s.dateSeconds());
                    e.put("date-nsec", s.dateNanos());
                    e.put("vm-clock-sec", s.vmClockNanos() / 1_000_000_000L);
                    e.put("vm-clock-nsec", s.vmClockNanos() % 1_000_000_000L);
                    e.put("name", s.name());
                    e.put("id", s.id());
                    l.add(e);
                }
                m.put("snapshots", l);
            }
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("compat", h.version == 2 ? "0.10" : "1.1");
            if (h.version >= 3) {
                data.put("compression-type", h.compressionType == 0 ? "zlib" : "zstd");
                data.put("lazy-refcounts", (h.compatible & Qcow2Header.COMPAT_LAZY_REFCOUNTS) != 0);
            }
            data.put("refcount-bits", 1 << h.refcountOrder);
            if (h.version >= 3) {
                data.put("corrupt", (h.incompatible & Qcow2Header.INCOMPAT_CORRUPT) != 0);
                data.put("extended-l2", h.extendedL2());
            }
            Map<String, Object> specific = new LinkedHashMap<>();
            specific.put("type", "qcow2");
            specific.put("data", data);
            m.put("format-specific", specific);
            m.put("dirty-flag", (h.incompatible & Qcow2Header.INCOMPAT_DIRTY) != 0);
        } else {
            m.put("dirty-flag", false);
        }
        return m;
    }

    static long actualSize(Path p) {
        try {
            return dev.vireo.image.raw.FileSpace.allocatedBytes(p);
        } catch (IOException e) {
            return -1;
        }
    }

    @SuppressWarnings("unchecked")
    private void printHuman(Map<String, Object> m) {
        var o = out();
        o.println("image: " + m.get("filename"));
        o.println("file format: " + m.get("format"));
        long vs = (Long) m.get("virtual-size");
        o.println("virtual size: " + Sizes.human(vs) + " (" + vs + " bytes)");
        o.println("disk size: " + Sizes.human((Long) m.get("actual-size")));
        if (m.containsKey("cluster-size")) o.println("cluster_size: " + m.get("cluster-size"));
        if (m.containsKey("backing-filename")) {
            o.println("backing file: " + m.get("backing-filename") + " (actual path: " + m.get("full-backing-filename") + ")");
            if (m.containsKey("backing-filename-format")) o.println("backing file format: " + m.get("backing-filename-format"));
        }
        if (m.containsKey("snapshots")) {
            o.println("Snapshot list:");
            SnapshotCommand.printTable(o, (List<Object>) m.get("snapshots"));
        }
        if (m.get("format-specific") instanceof Map<?, ?> fs) {
            o.println("Format specific information:");
            for (Map.Entry<?, ?> e : ((Map<String, Object>) fs.get("data")).entrySet())
                o.println("    " + e.getKey().toString().replace('-', ' ') + ": " + e.getValue());
        }
    }
}
