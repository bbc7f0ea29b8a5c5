package dev.vireo.cli;

import dev.vireo.vmm.Vmm;
import dev.vireo.vmm.VmmOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code vireo vmm …} (hidden): the per-VM process the daemon starts. It builds the machine
 * from the arguments of {@code vireo run} (through the platform's registered
 * {@link dev.vireo.vmm.GuestMachineFactory}) and serves the control and console sockets.
 */
@Command(name = "vmm", hidden = true, mixinStandardHelpOptions = true,
        description = "Run one VM as the daemon's VMM process (started by vireo daemon, not by hand).")
final class VmmCommand implements Callable<Integer> {
    @Option(names = "--name", required = true) String name;
    @Option(names = "--control", required = true, paramLabel = "SOCKET") Path control;
    @Option(names = "--console", required = true, paramLabel = "SOCKET") Path console;
    @Option(names = "--log", required = true, paramLabel = "FILE") Path log;
    @Option(names = "--status", paramLabel = "FILE") Path status;
    @Parameters(paramLabel = "RUN-ARGUMENTS", description = "after --: the arguments of vireo run") List<String> runArguments = new ArrayList<>();

    @Override
    public Integer call() {
        return Vmm.run(new VmmOptions(name, control, console, log, status, runArguments));
    }
}
