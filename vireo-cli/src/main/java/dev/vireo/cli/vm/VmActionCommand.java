package dev.vireo.cli.vm;

import dev.vireo.cli.DaemonCalls;
import dev.vireo.cli.Main;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** The shape of start/poweroff/reboot/pause/resume: POST /api/vms/NAME/ACTION, print the new state. */
abstract class VmActionCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME") String name;

    abstract String action();

    String query() { return ""; }

    @Override
    public Integer call() {
        VmView.state(DaemonCalls.call("POST", "/api/vms/" + DaemonCalls.segment(name) + "/" + action() + query(), null));
        return Main.EXIT_OK;
    }
}
