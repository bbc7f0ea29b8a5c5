package dev.vireo.cli.net;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vireo.cli.DaemonCalls;
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
        return DaemonCalls.printListing("/api/networks", "networks", output, "%-20s %-9s %-20s %-8s %s%n",
                new Object[] {"NAME", "MODE", "OPTIONS", "STATE", "VMS"},
                n -> new Object[] {n.path("name").asText(), n.path("mode").asText(), options(n), n.path("state").asText(), vms(n)});
    }

    private static String options(JsonNode n) {
        return switch (n.path("mode").asText()) {
            case "internal" -> n.path("dhcp").isTextual() ? "dhcp " + n.path("dhcp").asText() : "-";
            case "hostonly" -> "subnet " + n.path("subnet").asText();
            case "bridge" -> "bridge " + n.path("bridge").asText();
            default -> "-";
        };
    }

    private static String vms(JsonNode n) {
        List<String> vms = new ArrayList<>();
        n.path("vms").forEach(v -> vms.add(v.asText()));
        return vms.isEmpty() ? "-" : String.join(",", vms);
    }
}
