package dev.vireo.cli.vm;

import dev.vireo.cli.DaemonCalls;
import dev.vireo.cli.Main;
import dev.vireo.daemon.api.Api;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code vireo vm autostart NAME [--disable]}. */
@Command(name = "autostart", mixinStandardHelpOptions = true, description = "Start the VM whenever the daemon starts (--disable turns it off).")
final class VmAutostartCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME") String name;
    @Option(names = "--disable") boolean disable;

    @Override
    public Integer call() {
        var vm = DaemonCalls.call("PUT", "/api/vms/" + DaemonCalls.segment(name) + "/autostart", new Api.Autostart(!disable));
        System.out.println("vm '" + name + "' autostart " + (vm.path("autostart").asBoolean() ? "on" : "off"));
        return Main.EXIT_OK;
    }
}
