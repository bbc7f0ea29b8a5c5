package dev.vireo.cli.vm;

import dev.vireo.cli.DaemonCalls;
import dev.vireo.cli.Main;
import dev.vireo.daemon.api.Api;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code vireo vm clone SRC DST [--linked]}. */
@Command(name = "clone", mixinStandardHelpOptions = true,
        description = {"Copy a stopped VM and its volumes.",
                "--linked: the source's volumes become read-only bases and both VMs get qcow2 overlays (fast, shares unchanged data)."})
final class VmCloneCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SRC") String source;
    @Parameters(index = "1", paramLabel = "DST") String target;
    @Option(names = "--linked", description = "share the source's data through a qcow2 backing file") boolean linked;

    @Override
    public Integer call() {
        var vm = DaemonCalls.call("POST", "/api/vms/" + DaemonCalls.segment(source) + "/clone", new Api.Clone(target, linked));
        System.out.println("created vm '" + vm.path("name").asText() + "' (" + vm.path("reason").asText() + ") with disks " + vm.path("disks"));
        return Main.EXIT_OK;
    }
}
