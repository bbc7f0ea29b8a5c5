package dev.vireo.cli.vm;

import picocli.CommandLine.Command;

/** {@code vireo vm pause NAME}. */
@Command(name = "pause", mixinStandardHelpOptions = true, description = "Pause a running VM.")
final class VmPauseCommand extends VmActionCommand {
    @Override
    String action() { return "pause"; }
}
