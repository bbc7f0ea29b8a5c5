package dev.vireo.cli.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vireo.cli.DaemonCalls;
import dev.vireo.cli.Main;
import dev.vireo.cli.OutputFormat;
import dev.vireo.daemon.api.Api;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code vireo snapshot create|list|revert|delete VM [NAME]}: qcow2 internal snapshots of a stopped VM's volumes. */
@Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = "Disk snapshots of a stopped VM (a qcow2 internal snapshot in each of its volumes).",
        footer = {"", "Examples:", "  vireo snapshot create web before-upgrade", "  vireo snapshot revert web before-upgrade"},
        subcommands = {SnapshotCommand.Create.class, SnapshotCommand.List.class, SnapshotCommand.Revert.class, SnapshotCommand.Delete.class})
public final class SnapshotCommand {
    static String vmPath(String vm) { return "/api/vms/" + DaemonCalls.segment(vm) + "/snapshots"; }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Snapshot every volume of a stopped VM.")
    static final class Create implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "VM") String vm;
        @Parameters(index = "1", paramLabel = "NAME") String name;

        @Override
        public Integer call() {
            DaemonCalls.call("POST", vmPath(vm), new Api.Named(name));
            System.out.println("created snapshot '" + name + "' of vm '" + vm + "'");
            return Main.EXIT_OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a VM's snapshots, per volume.")
    static final class List implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "VM") String vm;
        @Option(names = "--output", paramLabel = "FORMAT", description = "table (default) or json") OutputFormat output = OutputFormat.table;

        @Override
        public Integer call() {
            JsonNode snapshots = DaemonCalls.call("GET", vmPath(vm), null).path("snapshots");
            if (output == OutputFormat.json) {
                DaemonCalls.printJson(snapshots);
                return Main.EXIT_OK;
            }
            System.out.printf("%-24s %-24s %s%n", "NAME", "DISK", "DATE");
            for (JsonNode s : snapshots) {
                System.out.printf("%-24s %-24s %s%n", s.path("name").asText(), s.path("disk").asText(), s.path("date").asText());
            }
            return Main.EXIT_OK;
        }
    }

    @Command(name = "revert", mixinStandardHelpOptions = true, description = "Return every volume of a stopped VM to a snapshot.")
    static final class Revert implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "VM") String vm;
        @Parameters(index = "1", paramLabel = "NAME") String name;

        @Override
        public Integer call() {
            DaemonCalls.call("POST", vmPath(vm) + "/" + DaemonCalls.segment(name) + "/revert", null);
            System.out.println("vm '" + vm + "' reverted to snapshot '" + name + "'");
            return Main.EXIT_OK;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a snapshot from every volume of a stopped VM.")
    static final class Delete implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "VM") String vm;
        @Parameters(index = "1", paramLabel = "NAME") String name;

        @Override
        public Integer call() {
            DaemonCalls.call("DELETE", vmPath(vm) + "/" + DaemonCalls.segment(name), null);
            System.out.println("deleted snapshot '" + name + "' of vm '" + vm + "'");
            return Main.EXIT_OK;
        }
    }
}
