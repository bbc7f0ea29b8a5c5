package dev.vireo.cli.net;

import picocli.CommandLine.Command;

/** {@code vireo net}: virtual networks without the daemon (serve a switch, capture its traffic). */
@Command(name = "net", description = "Run and inspect virtual networks (switches, captures).",
        mixinStandardHelpOptions = true,
        subcommands = {NetServeCommand.class, NetCaptureCommand.class})
public final class NetCommand {
}
