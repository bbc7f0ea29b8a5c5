package dev.vireo.cli.vm;

import picocli.CommandLine.Command;

/** {@code vireo vm poweroff NAME}. */
@Command(name = "poweroff", mixinStandardHelpOptions = true, description = "Stop a VM now, like pulling the plug.")
final class VmPoweroffCommand extends VmActionCommand {
    @Override
    String action() { return "poweroff"; }
}
