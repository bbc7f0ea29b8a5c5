package dev.vireo.cli.vm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vireo.cli.DaemonCalls;
import dev.vireo.cli.Main;
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
        JsonNode vms = DaemonCalls.call("GET", "/api/vms", null).path("vms");
        if (output == OutputFormat.json) {
            DaemonCalls.printJson(vms);
            return Main.EXIT_OK;
        }
        System.out.printf("%-24s %-9s %4s %10s  %s%n", "NAME", "STATE", "CPUS", "MEMORY", "AUTOSTART");
        for (JsonNode vm : vms) {
            System.out.printf("%-24s %-9s %4d %10s  %s%n", vm.path("name").asText(), vm.path("state").asText(),
                    vm.path("cpus").asInt(), vm.path("memory").asText(), vm.path("autostart").asBoolean() ? "yes" : "no");
        }
        return Main.EXIT_OK;
    }
}
