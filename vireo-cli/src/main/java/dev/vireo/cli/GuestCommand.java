package dev.vireo.cli;

import picocli.CommandLine.Command;

/** {@code vireo guest}: the default guest (kernel, initramfs, firmware) built from Debian packages. */
@Command(name = "guest", description = "Prepare and inspect the default Debian riscv64 guest.",
        mixinStandardHelpOptions = true,
        subcommands = {GuestPrepareCommand.class, GuestInfoCommand.class})
public final class GuestCommand {
}
