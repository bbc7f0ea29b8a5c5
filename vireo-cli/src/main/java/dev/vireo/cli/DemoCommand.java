package dev.vireo.cli;

import dev.vireo.cli.guest.DefaultGuest;
import dev.vireo.cli.run.MemorySize;
import dev.vireo.riscv.boot.Firmware;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * {@code vireo demo}: {@code vireo run} with the default guest (OpenSBI, Debian's kernel and
 * the busybox initramfs from {@code vireo guest prepare}), 512 MiB and 2 harts, a shell on
 * the console.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Boot the default Debian riscv64 guest to a shell on this terminal (Ctrl-A x quits).",
                "Run 'vireo guest prepare' once first."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--append", paramLabel = "ARGS", description = "Extra kernel command line.")
    String append;

    @Option(names = "--memory", paramLabel = "SIZE", defaultValue = "512M", description = "Guest RAM (default: ${DEFAULT-VALUE}).")
    String memory;

    @Option(names = "--cpus", paramLabel = "N", defaultValue = "2", description = "Number of harts (default: ${DEFAULT-VALUE}).")
    int cpus;

    @Override
    public Integer call() {
        DefaultGuest guest = DefaultGuest.locate();
        return RunCommand.runForeground(MemorySize.parse(memory), cpus, new Firmware.File(guest.firmware()),
                guest.kernel(), guest.initrd(), RunCommand.bootargs(append));
    }
}
