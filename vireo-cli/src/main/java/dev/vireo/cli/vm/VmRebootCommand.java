package dev.vireo.cli.vm;

import picocli.CommandLine.Command;

/** {@code vireo vm reboot NAME}. */
@Command(name = "reboot", mixinStandardHelpOptions = true, description = "Reset a running VM.")
final class VmRebootCommand extends VmActionCommand {
    @Override
    String action() { return "reboot"; }
}
