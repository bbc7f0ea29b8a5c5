package dev.vireo.cli.vm;

import picocli.CommandLine.Command;

/** {@code vireo vm}: VMs managed by the daemon (each running VM is its own VMM process). */
@Command(name = "vm", mixinStandardHelpOptions = true,
        description = "Define, start, stop and inspect VMs managed by the daemon (vireo daemon).",
        footer = {"", "Examples:",
                "  vireo vm create web --cpus 2 --memory 1G          (boots the default guest)",
                "  vireo vm create xv6 --firmware none --kernel ./kernel --memory 128M",
                "  vireo vm start web && vireo vm console web        (Ctrl-] detaches)",
                "  vireo vm list --output json"},
        subcommands = {VmCreateCommand.class, VmListCommand.class, VmInfoCommand.class, VmStartCommand.class,
                VmStopCommand.class, VmPoweroffCommand.class, VmRebootCommand.class, VmPauseCommand.class,
                VmResumeCommand.class, VmDeleteCommand.class, VmLogCommand.class, VmConsoleCommand.class,
                VmAutostartCommand.class, VmCloneCommand.class})
public final class VmCommand {
}
