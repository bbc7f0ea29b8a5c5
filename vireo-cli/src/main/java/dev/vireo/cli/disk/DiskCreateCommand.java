package dev.vireo.cli.disk;

import dev.vireo.cli.DaemonCalls;
import dev.vireo.cli.Main;
import dev.vireo.daemon.disk.DiskManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code vireo disk create NAME SIZE [--format raw|qcow2] [--thick]}. */
@Command(name = "create", mixinStandardHelpOptions = true, description = "Create a volume (sparse unless --thick).")
final class DiskCreateCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME") String name;
    @Parameters(index = "1", paramLabel = "SIZE", description = "e.g. 10G") String size;
    @Option(names = "--format", paramLabel = "FORMAT", description = "raw (default) or qcow2") String format;
    @Option(names = "--thick", description = "allocate every byte now") boolean thick;

    @Override
    public Integer call() {
        var disk = DaemonCalls.call("POST", "/api/disks", new DiskManager.DiskSpec(name, size, format, thick));
        System.out.println("created disk '" + disk.path("name").asText() + "' (" + disk.path("format").asText() + ", "
                + disk.path("sizeBytes").asLong() + " bytes) at " + disk.path("path").asText());
        return Main.EXIT_OK;
    }
}
