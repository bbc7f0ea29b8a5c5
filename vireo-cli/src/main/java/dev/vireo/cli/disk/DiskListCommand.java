package dev.vireo.cli.disk;

import dev.vireo.cli.DaemonCalls;
import dev.vireo.cli.OutputFormat;
import dev.vireo.daemon.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code vireo disk list [--output json]}. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List volumes.")
final class DiskListCommand implements Callable<Integer> {
    @Option(names = "--output", paramLabel = "FORMAT", description = "table (default) or json") OutputFormat output = OutputFormat.table;

    @Override
    public Integer call() {
        return DaemonCalls.printListing("/api/disks", "disks", output, "%-24s %-6s %10s  %s%n",
                new Object[] {"NAME", "FORMAT", "SIZE", "PATH"},
                d -> new Object[] {d.path("name").asText(), d.path("format").asText(),
                        Sizes.format(d.path("sizeBytes").asLong()), d.path("path").asText()});
    }
}
