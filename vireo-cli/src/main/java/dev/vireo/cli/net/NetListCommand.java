package dev.vireo.cli.net;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vireo.cli.DaemonCalls;
import dev.vireo.cli.Main;
import dev.vireo.cli.OutputFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code vireo net list [--output json]}: the daemon's named networks. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the daemon's named networks.")
final class NetListCommand implements Callable<Integer> {
    @Option(names = "--output", paramLabel = "FORMAT", description = "table (default) or json") OutputFormat output = OutputFormat.table;

    @Override
    public Integer call() {
        JsonNode networks = DaemonCalls.call("GET", "/api/networks", null).path("networks");
        if (output == OutputFormat.json) {
            DaemonCalls.printJson(networks);
            return Main.EXIT_OK;
        }
        System.out.printf("%-20s %-9s %-20s %-8s %s%n", "NAME", "MODE", "OPTIONS", "STATE", "VMS");
        for (JsonNode n : networks) {
            String options = switch (n.path("mode").asText()) {
                case "internal" -> n.path("dhcp").isTextual() ? "dhcp " + n.path("dhcp").asText() : "-";
                case "hostonly" -> "subnet " + n.path("subnet").asText();
                case "bridge" -> "bridge " + n.path("bridge").asText();
                default -> "-";
            };
            List<String> vms = new ArrayList<>();
            n.path("vms").forEach(v -> vms.add(v.asText()));
            System.out.printf("%-20s %-9s %-20s %-8s %s%n", n.path("name").asText(), n.path("mode").asText(), options,
                    n.path("state").asText(), vms.isEmpty() ? "-" : String.join(",", vms));
        }
        return Main.EXIT_OK;
    }
}
