package dev.vireo.cli;

import picocli.CommandLine.Command;

/** {@code vireo host}: what this machine offers for running VMs. */
@Command(name = "host", description = "Inspect this host: KVM, memory, KSM, cgroups.",
        mixinStandardHelpOptions = true,
        subcommands = {HostCheckCommand.class})
public final class HostCommand {
}
