package dev.vireo.cli.snapshot;

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

    /** A verb on one named snapshot of a VM: the request, then the line that says what happened. */
    abstract static class OnSnapshot implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "VM") String vm;
        @Parameters(index = "1", paramLabel = "NAME") String name;

        abstract String done();

        abstract void request();

        @Override
        public Integer call() {
            request();
            System.out.println(done());
            return Main.EXIT_OK;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Snapshot every volume of a stopped VM.")
    static final class Create extends OnSnapshot {
        @Override void request() { DaemonCalls.call("POST", vmPath(vm), new Api.Named(name)); }

        @Override String done() { return "created snapshot '" + name + "' of vm '" + vm + "'"; }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a VM's snapshots, per volume.")
    static final class List implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "VM") String vm;
        @Option(names = "--output", paramLabel = "FORMAT", description = "table (default) or json") OutputFormat output = OutputFormat.table;

        @Override
        public Integer call() {
            return DaemonCalls.printListing(vmPath(vm), "snapshots", output, "%-24s %-24s %s%n",
                    new Object[] {"NAME", "DISK", "DATE"},
                    s -> new Object[] {s.path("name").asText(), s.path("disk").asText(), s.path("date").asText()});
        }
    }

    @Command(name = "revert", mixinStandardHelpOptions = true, description = "Return every volume of a stopped VM to a snapshot.")
    static final class Revert extends OnSnapshot {
        @Override void request() { DaemonCalls.call("POST", vmPath(vm) + "/" + DaemonCalls.segment(name) + "/revert", null); }

        @Override String done() { return "vm '" + vm + "' reverted to snapshot '" + name + "'"; }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a snapshot from every volume of a stopped VM.")
    static final class Delete extends OnSnapshot {
        @Override void request() { DaemonCalls.call("DELETE", vmPath(vm) + "/" + DaemonCalls.segment(name), null); }

        @Override String done() { return "deleted snapshot '" + name + "' of vm '" + vm + "'"; }
    }
}
