package dev.vireo.cli.img;

import picocli.CommandLine.Command;

/**
 * {@code vireo img}: qemu-img's verbs on raw, qcow2, VMDK and VDI images.
 *
 * <p>Exit codes follow qemu-img: 0 success; 1 failure; {@code check}: 2 corruption, 3 leaks
 * only, 63 format without checks; {@code compare}: 1 images differ, 2 error.
 */
@Command(name = "img", description = "Create, inspect, check and convert disk images (qemu-img compatible).",
        mixinStandardHelpOptions = true,
        subcommands = {CreateCommand.class, InfoCommand.class, CheckCommand.class, ConvertCommand.class,
                SnapshotCommand.class, RebaseCommand.class, CommitCommand.class, ResizeCommand.class,
                CompareCommand.class, MapCommand.class})
public final class ImgCommand {
}
