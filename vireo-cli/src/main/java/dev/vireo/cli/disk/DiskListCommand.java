package dev.vireo.cli.disk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vireo.cli.DaemonCalls;
import dev.vireo.cli.Main;
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
        JsonNode disks = DaemonCalls.call("GET", "/api/disks", null).path("disks");
        if (output == OutputFormat.json) {
            DaemonCalls.printJson(disks);
            return Main.EXIT_OK;
        }
        System.out.printf("%-24s %-6s %10s  %s%n", "NAME", "FORMAT", "SIZE", "PATH");
        for (JsonNode d : disks) {
            System.out.printf("%-24s %-6s %10s  %s%n", d.path("name").asText(), d.path("format").asText(),
                    Sizes.format(d.path("sizeBytes").asLong()), d.path("path").asText());
        }
        return Main.EXIT_OK;
    }
}
