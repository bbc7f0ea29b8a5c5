package dev.vireo.cli.vm;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vireo vm stop NAME [--timeout S]}: asks the guest to shut down, powers off after the timeout. */
@Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Ask the guest to shut down; power it off when it has not after the timeout.")
final class VmStopCommand extends VmActionCommand {
    @Option(names = "--timeout", paramLabel = "SECONDS", description = "how long to wait for the guest (default: the daemon's, 30 s)")
    Integer timeout;

    @Override
    String action() { return "stop"; }

    @Override
    String query() { return timeout == null ? "" : "?timeout=" + timeout; }
}
