package dev.vireo.cli.vm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vireo.cli.DaemonCalls;
import dev.vireo.cli.OutputFormat;

/** How VM answers print: a table or key/value lines, or the daemon's JSON. */
final class VmView {
    private VmView() {}

    static void print(JsonNode vm, OutputFormat output) {
        if (output == OutputFormat.json) {
            DaemonCalls.printJson(vm);
            return;
        }
        line("name", vm.path("name").asText());
        line("state", stateWithReason(vm));
        line("cpus", vm.path("cpus").asText());
        line("memory", vm.path("memory").asText());
        for (String key : new String[] {"firmware", "kernel", "initrd", "append"}) {
            if (vm.hasNonNull(key)) line(key, vm.path(key).asText());
        }
        vm.path("disks").forEach(d -> line("disk", d.asText()));
        vm.path("nics").forEach(n -> line("nic", n.asText()));
        line("autostart", vm.path("autostart").asBoolean() ? "yes" : "no");
        if (vm.hasNonNull("pid")) line("pid", vm.path("pid").asText());
        line("console log", vm.path("consoleLog").asText());
        if (vm.hasNonNull("stats")) line("uptime", vm.path("stats").path("uptimeMillis").asLong() / 1000 + " s");
    }

    static void state(JsonNode vm) {
        System.out.println("vm '" + vm.path("name").asText() + "' is " + stateWithReason(vm));
    }

    /** "stopped (guest shut down after the power button)"; a reason that only repeats the state ("paused") is left out. */
    static String stateWithReason(JsonNode vm) {
        String state = vm.path("state").asText(), reason = vm.path("reason").asText("");
        return reason.isEmpty() || reason.equals(state) ? state : state + " (" + reason + ")";
    }

    private static void line(String key, String value) { System.out.printf("%-12s %s%n", key, value); }
}
