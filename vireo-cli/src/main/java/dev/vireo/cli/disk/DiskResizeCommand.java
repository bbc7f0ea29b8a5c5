package dev.vireo.cli.disk;

import dev.vireo.cli.DaemonCalls;
import dev.vireo.cli.Main;
import dev.vireo.daemon.api.Api;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code vireo disk resize NAME SIZE}: grows a volume (never shrinks). */
@Command(name = "resize", mixinStandardHelpOptions = true, description = "Grow a volume to SIZE.")
final class DiskResizeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME") String name;
    @Parameters(index = "1", paramLabel = "SIZE") String size;

    @Override
    public Integer call() {
        var disk = DaemonCalls.call("POST", "/api/disks/" + DaemonCalls.segment(name) + "/resize", new Api.Resize(size));
        System.out.println("disk '" + name + "' is now " + disk.path("sizeBytes").asLong() + " bytes");
        return Main.EXIT_OK;
    }
}
