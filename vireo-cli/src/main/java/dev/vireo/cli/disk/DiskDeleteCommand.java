package dev.vireo.cli.disk;

import dev.vireo.cli.DaemonCalls;
import dev.vireo.cli.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code vireo disk delete NAME}. */
@Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a volume that no VM uses.")
final class DiskDeleteCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME") String name;

    @Override
    public Integer call() {
        DaemonCalls.call("DELETE", "/api/disks/" + DaemonCalls.segment(name), null);
        System.out.println("deleted disk '" + name + "'");
        return Main.EXIT_OK;
    }
}
