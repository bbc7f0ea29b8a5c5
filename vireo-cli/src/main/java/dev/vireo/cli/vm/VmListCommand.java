package dev.vireo.cli.vm;

import dev.vireo.cli.DaemonCalls;
import dev.vireo.cli.OutputFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code vireo vm list [--output json]}. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List VMs and their states.")
final class VmListCommand implements Callable<Integer> {
    @Option(names = "--output", paramLabel = "FORMAT", description = "table (default) or json") OutputFormat output = OutputFormat.table;

    @Override
    public Integer call() {
        return DaemonCalls.printListing("/api/vms", "vms", output, "%-24s %-9s %4s %10s  %s%n",
                new Object[] {"NAME", "STATE", "CPUS", "MEMORY", "AUTOSTART"},
                vm -> new Object[] {vm.path("name").asText(), vm.path("state").asText(), vm.path("cpus").asInt(),
                        vm.path("memory").asText(), vm.path("autostart").asBoolean() ? "yes" : "no"});
    }
}
