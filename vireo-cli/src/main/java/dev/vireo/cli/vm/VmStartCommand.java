package dev.vireo.cli.vm;

import picocli.CommandLine.Command;

/** {@code vireo vm start NAME}. */
@Command(name = "start", mixinStandardHelpOptions = true, description = "Start a VM in its own VMM process (refused when host memory is short).")
final class VmStartCommand extends VmActionCommand {
    @Override
    String action() { return "start"; }
}
