package dev.vireo.cli.template;

import dev.vireo.cli.DaemonCalls;
import dev.vireo.cli.Main;
import dev.vireo.cli.OutputFormat;
import dev.vireo.daemon.Sizes;
import dev.vireo.daemon.api.Api;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code vireo template create|list|delete}: frozen VM definitions to create VMs from. */
@Command(name = "template", mixinStandardHelpOptions = true, description = "Turn stopped VMs into templates; create VMs from them (vireo vm create NAME --from-template T).",
        subcommands = {TemplateCommand.Create.class, TemplateCommand.List.class, TemplateCommand.Delete.class})
public final class TemplateCommand {
    /** {@code vireo template create FROM-VM [--name T]}. */
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Make a template of a stopped VM: its volumes become read-only bases and the VM definition moves to the template.")
    static final class Create implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FROM-VM") String vm;
        @Option(names = "--name", paramLabel = "TEMPLATE", description = "the template's name (default: the VM's)") String name;

        @Override
        public Integer call() {
            var t = DaemonCalls.call("POST", "/api/templates", new Api.TemplateRequest(vm, name));
            System.out.println("created template '" + t.path("name").asText() + "' from vm '" + vm + "'; use it with: vireo vm create NAME --from-template " + t.path("name").asText());
            return Main.EXIT_OK;
        }
    }

    /** {@code vireo template list [--output json]}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List templates.")
    static final class List implements Callable<Integer> {
        @Option(names = "--output", paramLabel = "FORMAT", description = "table (default) or json") OutputFormat output = OutputFormat.table;

        @Override
        public Integer call() {
            return DaemonCalls.printListing("/api/templates", "templates", output, "%-24s %4s %10s  %s%n",
                    new Object[] {"NAME", "CPUS", "MEMORY", "BASE DISKS"},
                    t -> new Object[] {t.path("name").asText(), t.path("cpus").asInt(),
                            Sizes.format(t.path("memoryBytes").asLong()), t.path("disks")});
        }
    }

    /** {@code vireo template delete NAME}. */
    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a template (its bases stay while linked clones use them).")
    static final class Delete implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME") String name;

        @Override
        public Integer call() {
            DaemonCalls.call("DELETE", "/api/templates/" + DaemonCalls.segment(name), null);
            System.out.println("deleted template '" + name + "'");
            return Main.EXIT_OK;
        }
    }
}
