package dev.vireo.cli;

import dev.vireo.cli.guest.DefaultGuest;
import dev.vireo.cli.run.ForegroundRunner;
import dev.vireo.cli.run.GuestDevices;
import dev.vireo.cli.run.GuestNics;
import dev.vireo.net.NicSpec;
import dev.vireo.cli.run.MemorySize;
import dev.vireo.machine.virtio.blk.DiskSpec;
import dev.vireo.riscv.MachineException;
import dev.vireo.riscv.boot.Firmware;
import dev.vireo.riscv.machine.VirtConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code vireo run}: one RISC-V {@code virt} VM in the foreground, booted like
 * {@code qemu-system-riscv64 -M virt -bios … -kernel … -initrd … -append …}.
 * Exit status: 0 when the guest powers off, 1 when the VM fails, 2 for bad options.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run one RISC-V virt VM in the foreground; the serial console is this terminal (Ctrl-A x quits).",
                "Exit status: 0 on guest poweroff, 1 if the VM fails, 2 for bad options."})
public final class RunCommand implements Callable<Integer> {
    /** Always on the kernel command line, before the user's --append. */
    public static final String DEFAULT_BOOTARGS = "console=ttyS0 earlycon=sbi";

    @Option(names = "--kernel", required = true, paramLabel = "FILE",
            description = "Kernel: a RISC-V Linux Image, or with --bios none a bare-metal ELF.")
    Path kernel;

    @Option(names = "--initrd", paramLabel = "FILE", description = "Initial ramdisk (cpio, optionally compressed).")
    Path initrd;

    @Option(names = "--append", paramLabel = "ARGS", description = "Extra kernel command line, after '" + DEFAULT_BOOTARGS + "'.")
    String append;

    @Option(names = "--memory", paramLabel = "SIZE", defaultValue = "512M", description = "Guest RAM, e.g. 512M or 2G (default: ${DEFAULT-VALUE}).")
    String memory;

    @Option(names = "--cpus", paramLabel = "N", defaultValue = "1", description = "Number of harts (default: ${DEFAULT-VALUE}).")
    int cpus;

    @Option(names = "--bios", paramLabel = "default|none|FILE", defaultValue = "default",
            description = "M-mode firmware: 'default' (the default guest's OpenSBI), 'none' (bare-metal ELF kernel), or a file.")
    String bios;

    @Option(names = "--disk", paramLabel = "SPEC",
            description = "A virtio-blk disk: PATH[,format=qcow2|raw|vmdk|vdi][,readonly=on|off][,cache=writeback|none]; "
                    + "the format is probed when omitted. Repeat for more disks (vda, vdb, … in order).")
    List<String> disks = new ArrayList<>();

    @Option(names = "--nic", paramLabel = "SPEC",
            description = "A virtio-net NIC: nat[,hostfwd=tcp:127.0.0.1:HOSTPORT-:GUESTPORT]… (passt), switch=NAME, "
                    + "hostonly=NAME, bridge=BRIDGE; optionally ,mac=52:54:00:…. Repeat for more NICs (eth0, eth1, …).")
    List<String> nics = new ArrayList<>();

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "vm",
            description = "VM name: the switch port name and the seed of stable NIC MACs (default: ${DEFAULT-VALUE}).")
    String name;

    @Override
    public Integer call() {
        List<DiskSpec> diskSpecs = GuestDevices.parse(disks);
        List<NicSpec> nicSpecs = GuestNics.parse(nics, name, diskSpecs.size());
        Firmware firmware = switch (bios) {
            case "none" -> new Firmware.None();
            case "default" -> new Firmware.File(DefaultGuest.locate().firmware());
            default -> new Firmware.File(Path.of(bios));
        };
        requireFile(kernel, "--kernel");
        if (initrd != null) requireFile(initrd, "--initrd");
        if (firmware instanceof Firmware.File(Path path)) requireFile(path, "--bios");
        try (GuestNics guestNics = GuestNics.open(nicSpecs, name)) {
            return runForeground(MemorySize.parse(memory), cpus, firmware, kernel, initrd, bootargs(append), diskSpecs, guestNics);
        }
    }

    static String bootargs(String append) {
        return append == null || append.isBlank() ? DEFAULT_BOOTARGS : DEFAULT_BOOTARGS + " " + append.strip();
    }

    static void requireFile(Path path, String option) {
        if (!Files.isRegularFile(path)) {
            throw new VireoCliException(option + " " + path + ": no such file", Main.EXIT_USAGE);
        }
    }

    static int runForeground(long memoryBytes, int cpus, Firmware firmware, Path kernel, Path initrd, String bootargs) {
        return runForeground(memoryBytes, cpus, firmware, kernel, initrd, bootargs, List.of(), GuestNics.NONE);
    }

    static int runForeground(long memoryBytes, int cpus, Firmware firmware, Path kernel, Path initrd, String bootargs,
                             List<DiskSpec> disks) {
        return runForeground(memoryBytes, cpus, firmware, kernel, initrd, bootargs, disks, GuestNics.NONE);
    }

    static int runForeground(long memoryBytes, int cpus, Firmware firmware, Path kernel, Path initrd, String bootargs,
                             List<DiskSpec> disks, GuestNics nics) {
        VirtConfig config;
        try {
            config = new VirtConfig(memoryBytes, cpus, firmware, kernel, initrd, bootargs);
        } catch (MachineException e) {
            throw new VireoCliException(e.getMessage(), Main.EXIT_USAGE);
        }
        // Disks open once for the whole run: a guest reboot gets a fresh machine, same images.
        try (GuestDevices devices = GuestDevices.open(disks)) {
            return new ForegroundRunner(config, System.in, System.out, System.err, builder -> {
                devices.attach(builder);
                nics.attach(builder);
            }).run();
        }
    }
}
