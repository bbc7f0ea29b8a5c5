package dev.vireo.cli.vm;

import dev.vireo.cli.DaemonCalls;
import dev.vireo.cli.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code vireo vm delete NAME [--disks]}. */
@Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a stopped VM's definition (and with --disks, its volumes).")
final class VmDeleteCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME") String name;
    @Option(names = "--disks", description = "also delete the volumes only this VM uses") boolean disks;

    @Override
    public Integer call() {
        DaemonCalls.call("DELETE", "/api/vms/" + DaemonCalls.segment(name) + (disks ? "?disks=true" : ""), null);
        System.out.println("deleted vm '" + name + "'");
        return Main.EXIT_OK;
    }
}
