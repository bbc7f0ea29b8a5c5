package dev.vireo.cli.vm;

import dev.vireo.cli.DaemonCalls;
import dev.vireo.cli.Main;
import dev.vireo.cli.OutputFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code vireo vm info NAME [--output json]}: definition, state (running, paused, stopped, crashed) and figures. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Show a VM's definition and state.")
final class VmInfoCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME") String name;
    @Option(names = "--output", paramLabel = "FORMAT", description = "table (default) or json") OutputFormat output = OutputFormat.table;

    @Override
    public Integer call() {
        VmView.print(DaemonCalls.call("GET", "/api/vms/" + DaemonCalls.segment(name), null), output);
        return Main.EXIT_OK;
    }
}
