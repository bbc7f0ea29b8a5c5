package dev.vireo.cli.vm;

import picocli.CommandLine.Command;

/** {@code vireo vm resume NAME}. */
@Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a paused VM.")
final class VmResumeCommand extends VmActionCommand {
    @Override
    String action() { return "resume"; }
}
