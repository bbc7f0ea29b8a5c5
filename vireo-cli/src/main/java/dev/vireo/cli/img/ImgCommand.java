package dev.vireo.cli.img;

import picocli.CommandLine.Command;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code vireo img}: qemu-img's verbs on raw, qcow2, VMDK and VDI images.
 *
 * <p>Exit codes follow qemu-img: 0 success; 1 failure; {@code check}: 2 corruption, 3 leaks
 * only, 63 format without checks; {@code compare}: 1 images differ, 2 error.
 */
@Command(name = "img", description = "Create, inspect, check and convert disk images (qemu-img compatible).",
        mixinStandardHelpOptions = true)
public final class ImgCommand {
    /**
     * The verbs, name → class name, in the order {@code vireo img --help} lists them. Not in the
     * annotation: {@code Main} registers only the verb being run (picocli reflects over every
     * registered command at start-up, and {@code img} commands are short).
     */
    public static final List<Map.Entry<String, String>> VERBS = List.of(
            Map.entry("create", "dev.vireo.cli.img.CreateCommand"),
            Map.entry("info", "dev.vireo.cli.img.InfoCommand"),
            Map.entry("check", "dev.vireo.cli.img.CheckCommand"),
            Map.entry("convert", "dev.vireo.cli.img.ConvertCommand"),
            Map.entry("snapshot", "dev.vireo.cli.img.SnapshotCommand"),
            Map.entry("rebase", "dev.vireo.cli.img.RebaseCommand"),
            Map.entry("commit", "dev.vireo.cli.img.CommitCommand"),
            Map.entry("resize", "dev.vireo.cli.img.ResizeCommand"),
            Map.entry("compare", "dev.vireo.cli.img.CompareCommand"),
            Map.entry("map", "dev.vireo.cli.img.MapCommand"));

    /**
     * {@code vireo img VERB words…} ready to call without picocli, or null to parse it with
     * picocli: only {@code convert} in its plain forms ({@link ConvertCommand#plain}). The
     * callable returns the exit code and throws what picocli's execution would pass to
     * {@code Main}'s error handler.
     */
    public static Callable<Integer> plainVerb(String verb, List<String> words) {
        return verb.equals("convert") ? ConvertCommand.plain(words) : null;
    }
}
