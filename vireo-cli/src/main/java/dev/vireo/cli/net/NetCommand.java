package dev.vireo.cli.net;

import picocli.CommandLine.Command;

/**
 * {@code vireo net}: named networks of the daemon (create, list, delete) and networks without
 * the daemon (serve a switch in the foreground, capture its traffic).
 */
@Command(name = "net", description = "Virtual networks: the daemon's named networks, foreground switches, captures.",
        mixinStandardHelpOptions = true,
        subcommands = {NetCreateCommand.class, NetListCommand.class, NetDeleteCommand.class, NetServeCommand.class, NetCaptureCommand.class})
public final class NetCommand {
}
