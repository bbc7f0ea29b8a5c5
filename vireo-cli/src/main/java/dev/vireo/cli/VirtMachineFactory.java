package dev.vireo.cli;

import dev.vireo.cli.run.GuestDevices;
import dev.vireo.cli.run.GuestNics;
import dev.vireo.cli.run.MemorySize;
import dev.vireo.cli.run.VirtGuest;
import dev.vireo.cli.guest.DefaultGuest;
import dev.vireo.riscv.MachineException;
import dev.vireo.riscv.boot.Firmware;
import dev.vireo.riscv.machine.VirtConfig;
import dev.vireo.vmm.GuestMachine;
import dev.vireo.vmm.GuestMachineFactory;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.List;

/**
 * The VMM's machine builder for {@code virt}: parses the arguments exactly as {@code vireo run}
 * does (the same {@link RunCommand} options and checks) and builds the same machine.
 * Registered in META-INF/services/dev.vireo.vmm.GuestMachineFactory.
 */
public final class VirtMachineFactory implements GuestMachineFactory {
    @Override
    public String name() { return "virt"; }

    @Override
    public GuestMachine create(String name, List<String> runArguments) {
        RunCommand run = new RunCommand();
        try {
            new CommandLine(run).parseArgs(runArguments.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException("vm '" + name + "': " + e.getMessage(), e);
        }
        var diskSpecs = GuestDevices.parse(run.disks);
        var nicSpecs = GuestNics.parse(run.nics, name, diskSpecs.size());
        Firmware firmware = switch (run.bios) {
            case "none" -> new Firmware.None();
            case "default" -> new Firmware.File(DefaultGuest.locate().firmware());
            default -> new Firmware.File(Path.of(run.bios));
        };
        RunCommand.requireFile(run.kernel, "--kernel");
        if (run.initrd != null) RunCommand.requireFile(run.initrd, "--initrd");
        if (firmware instanceof Firmware.File(Path path)) RunCommand.requireFile(path, "--bios");
        try {
            VirtConfig config = new VirtConfig(MemorySize.parse(run.memory), run.cpus, firmware, run.kernel, run.initrd,
                    RunCommand.bootargs(run.append));
            // Disks and NICs stay open for the VMM's life; a guest reboot reuses them.
            GuestDevices devices = GuestDevices.open(diskSpecs);
            GuestNics guestNics;
            try {
                guestNics = GuestNics.open(nicSpecs, name);
            } catch (RuntimeException e) {
                devices.close();
                throw e;
            }
            AutoCloseable resources = () -> {
                try (devices; guestNics) {
                    // both closed, NICs first
                }
            };
            try {
                return new VirtGuest(config, builder -> {
                    devices.attach(builder);
                    guestNics.attach(builder);
                }, resources);
            } catch (RuntimeException e) {
                devices.close();
                guestNics.close();
                throw e;
            }
        } catch (MachineException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
