package dev.vireo.cli.img;

import dev.vireo.image.DiskImage;
import dev.vireo.image.ImageException;
import dev.vireo.image.qcow2.Qcow2Image;
import dev.vireo.image.qcow2.Qcow2Snapshots;
import dev.vireo.image.qcow2.Snapshot;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code vireo img snapshot -c|-l|-a|-d NAME FILE}: qcow2 internal snapshots. */
@Command(name = "snapshot", description = "Create, list, apply or delete internal snapshots of a qcow2 image.", mixinStandardHelpOptions = true)
final class SnapshotCommand extends ImgVerb {
    static final class Action {
        @Option(names = "-c", paramLabel = "NAME", description = "Create a snapshot.") String create;
        @Option(names = "-a", paramLabel = "NAME", description = "Apply (revert to) a snapshot.") String apply;
        @Option(names = "-d", paramLabel = "NAME", description = "Delete a snapshot.") String delete;
        @Option(names = "-l", description = "List snapshots.") boolean list;
    }

    @ArgGroup(exclusive = true, multiplicity = "1") Action action;
    @Option(names = "-f") String format;
    @Option(names = "-q") boolean quiet;
    @Parameters(index = "0", paramLabel = "FILE") String file;

    @Override
    int execute() throws IOException {
        try (DiskImage img = open(file, format, action.list)) {
            if (!(img instanceof Qcow2Image q)) throw new ImageException("'" + file + "' is not qcow2; internal snapshots need qcow2 (convert it first)");
            Qcow2Snapshots s = new Qcow2Snapshots(q);
            if (action.create != null) s.create(action.create);
            else if (action.apply != null) s.apply(action.apply);
            else if (action.delete != null) s.delete(action.delete);
            else {
                List<Object> rows = new ArrayList<>();
                for (Snapshot x : s.list()) {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("id", x.id());
                    e.put("name", x.name());
                    e.put("vm-state-size", x.vmStateSize());
                    e.put("date-sec", x.dateSeconds());
                    e.put("vm-clock-nsec", x.vmClockNanos());
                    rows.add(e);
                }
                if (!rows.isEmpty()) {
                    out().println("Snapshot list:");
                    printTable(out(), rows);
                }
            }
        }
        return 0;
    }

    @SuppressWarnings("unchecked")
    static void printTable(PrintWriter o, List<Object> rows) {
        o.printf("%-9s %-17s %7s %19s %15s%n", "ID", "TAG", "VM SIZE", "DATE", "VM CLOCK");
        DateTimeFormatter date = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());
        for (Object r : rows) {
            Map<String, Object> e = (Map<String, Object>) r;
            long clock = ((Number) e.getOrDefault("vm-clock-nsec", 0L)).longValue();
            o.printf("%-9s %-17s %7s %19s %02d:%02d:%02d.%03d%n", e.get("id"), e.get("name"),
                    Sizes.human(((Number) e.get("vm-state-size")).longValue()),
                    date.format(Instant.ofEpochSecond(((Number) e.get("date-sec")).longValue())),
                    clock / 3_600_000_000_000L, clock / 60_000_000_000L % 60, clock / 1_000_000_000L % 60, clock / 1_000_000L % 1000);
        }
    }
}
