package dev.vireo.cli.disk;

import picocli.CommandLine.Command;

/** {@code vireo disk}: volumes in VIREO_HOME/disks, managed by the daemon. */
@Command(name = "disk", mixinStandardHelpOptions = true, description = "Create, list, resize and delete volumes (VIREO_HOME/disks).",
        footer = {"", "Examples:", "  vireo disk create data 10G", "  vireo vm create web --disk data", "  vireo disk resize data 20G"},
        subcommands = {DiskCreateCommand.class, DiskListCommand.class, DiskDeleteCommand.class, DiskResizeCommand.class})
public final class DiskCommand {
}
