package dev.vireo.cli.img;

import dev.vireo.image.ImageException;
import dev.vireo.image.ImageFormat;
import dev.vireo.image.qcow2.CheckResult;
import dev.vireo.image.qcow2.Qcow2Checker;
import dev.vireo.image.qcow2.Qcow2Image;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code vireo img check [-r leaks|all] [--output json] FILE}. Exit codes as qemu-img: 0 clean,
 * 1 check error, 2 corruption, 3 leaks only, 63 format without consistency checks.
 */
@Command(name = "check", description = "Check (and repair) a qcow2 image's metadata.", mixinStandardHelpOptions = true)
final class CheckCommand extends ImgVerb {
    @Option(names = "-f") String format;
    @Option(names = "-r", description = "Repair: leaks or all.") String repair;
    @Option(names = "--output", description = "human (default) or json") String output = "human";
    @Option(names = "-p", description = "Show progress.") boolean progress;
    @Option(names = "-q", description = "Quiet.") boolean quiet;
    @Parameters(index = "0", paramLabel = "FILE") String file;

    @Override
    int errorExitCode() { return 1; }

    @Override
    int execute() throws IOException {
        Qcow2Checker.Repair mode = repair == null ? Qcow2Checker.Repair.NONE : switch (repair) {
            case "leaks" -> Qcow2Checker.Repair.LEAKS;
            case "all" -> Qcow2Checker.Repair.ALL;
            default -> throw new ImageException("-r takes leaks or all, not '" + repair + "'");
        };
        ImageFormat f = formatOf(file, format);
        if (f != ImageFormat.QCOW2) {
            spec.commandLine().getErr().println("vireo: this image format (" + f.id() + ") does not support checks");
            return 63;
        }
        Progress bar = new Progress(out(), progress && !quiet);
        CheckResult r;
        try (Qcow2Image img = mode == Qcow2Checker.Repair.NONE ? (Qcow2Image) open(file, "qcow2", true)
                : Qcow2Image.openForRepair(java.nio.file.Path.of(file))) {
            bar.update(0, 1);
            r = new Qcow2Checker(img).check(mode);
            if (mode == Qcow2Checker.Repair.ALL && r.corruptions() == 0) img.markClean();
            bar.finish(1);
        }
        if (output.equals("json")) out().println(Json.write(json(r, f)));
        else if (!quiet) human(r);
        return r.exitCode();
    }

    private Map<String, Object> json(CheckResult r, ImageFormat f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("image-end-offset", r.imageEndOffset());
        m.put("total-clusters", r.totalClusters());
        m.put("check-errors", r.checkErrors());
        if (r.leaks() > 0) m.put("leaks", r.leaks());
        if (r.corruptions() > 0) m.put("corruptions", r.corruptions());
        if (r.leaksFixed() > 0) m.put("leaks-fixed", r.leaksFixed());
        if (r.corruptionsFixed() > 0) m.put("corruptions-fixed", r.corruptionsFixed());
        m.put("allocated-clusters", r.allocatedClusters());
        m.put("filename", file);
        m.put("format", f.id());
        m.put("fragmented-clusters", r.fragmentedClusters());
        m.put("compressed-clusters", r.compressedClusters());
        return m;
    }

    private void human(CheckResult r) {
        var o = out();
        for (String line : r.messages()) o.println(line);
        if (r.leaksFixed() > 0 || r.corruptionsFixed() > 0) {
            o.println("The following inconsistencies were found and repaired:\n");
            o.println("    " + r.leaksFixed() + " leaked clusters");
            o.println("    " + r.corruptionsFixed() + " corruptions\n");
            o.println("Double checking the fixed image now...");
        }
        if (r.corruptions() > 0) {
            o.println("\n" + r.corruptions() + " errors were found on the image.");
            o.println("Data may be corrupted, or further writes to the image may corrupt it.");
        }
        if (r.leaks() > 0) {
            o.println("\n" + r.leaks() + " leaked clusters were found on the image.");
            o.println("This means waste of disk space, but no harm to data.");
        }
        if (r.corruptions() == 0 && r.leaks() == 0 && r.checkErrors() == 0) o.println("No errors were found on the image.");
        long total = Math.max(1, r.totalClusters());
        o.printf(Locale.ROOT, "%d/%d = %.2f%% allocated, %.2f%% fragmented, %.2f%% compressed clusters%n",
                r.allocatedClusters(), r.totalClusters(), 100.0 * r.allocatedClusters() / total,
                r.allocatedClusters() == 0 ? 0.0 : 100.0 * r.fragmentedClusters() / r.allocatedClusters(),
                r.allocatedClusters() == 0 ? 0.0 : 100.0 * r.compressedClusters() / r.allocatedClusters());
        o.println("Image end offset: " + r.imageEndOffset());
    }
}
