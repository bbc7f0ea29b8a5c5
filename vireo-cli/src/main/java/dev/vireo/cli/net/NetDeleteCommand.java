package dev.vireo.cli.net;

import dev.vireo.cli.DaemonCalls;
import dev.vireo.cli.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code vireo net delete NAME}: refused while a defined VM has a NIC on it. */
@Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a named network that no VM uses.")
final class NetDeleteCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME") String name;

    @Override
    public Integer call() {
        DaemonCalls.call("DELETE", "/api/networks/" + DaemonCalls.segment(name), null);
        System.out.println("deleted network '" + name + "'");
        return Main.EXIT_OK;
    }
}
