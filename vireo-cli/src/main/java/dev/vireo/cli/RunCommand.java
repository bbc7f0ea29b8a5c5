package dev.vireo.cli;

import dev.vireo.cli.guest.DefaultGuest;
import dev.vireo.cli.run.ForegroundRunner;
import dev.vireo.cli.run.GuestDevices;
import dev.vireo.cli.run.GuestNics;
import dev.vireo.cli.run.KvmForeground;
import dev.vireo.net.NicSpec;
import dev.vireo.cli.run.MemorySize;
import dev.vireo.machine.virtio.blk.DiskSpec;
import dev.vireo.kvm.KvmHypervisor;
import dev.vireo.kvm.KvmLauncher;
import dev.vireo.machine.boot.KernelFile;
import dev.vireo.machine.boot.KernelFormatException;
import dev.vireo.machine.hypervisor.Accelerator;
import dev.vireo.riscv.MachineException;
import dev.vireo.riscv.boot.Firmware;
import dev.vireo.riscv.machine.VirtConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code vireo run}: one VM in the foreground. The kernel file's header decides the guest
 * architecture ({@link KernelFile}); {@code --accel} ({@link Accelerator}) picks the backend:
 * <ul>
 *   <li>{@code emulate}: a RISC-V {@code virt} machine, booted like
 *       {@code qemu-system-riscv64 -M virt -bios … -kernel … -initrd … -append …};</li>
 *   <li>{@code kvm}: an x86-64 PC on /dev/kvm ({@link KvmLauncher}), a bzImage or a bare-metal ELF
 *       (docs/kvm-entry.md);</li>
 *   <li>{@code auto} (default): whichever can run the kernel, preferring hardware.</li>
 * </ul>
 * The choice is announced on stderr ({@code vireo: x86-64 guest, accel kvm}). A file that is not a
 * kernel goes to the emulator under {@code auto}/{@code emulate}, which reports it as before.
 * Exit status: 0 when the guest powers off (or resets, for x86-64), 1 when the VM fails, 2 for
 * bad options or a VM that cannot start.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run one VM in the foreground: RISC-V kernels in the emulator, x86-64 kernels on KVM.",
                "The serial console is this terminal (Ctrl-A x quits).",
                "Exit status: 0 on guest poweroff, 1 if the VM fails, 2 for bad options or a VM that cannot start."})
public final class RunCommand implements Callable<Integer> {
    /** Always on a RISC-V kernel's command line, before the user's --append. */
    public static final String DEFAULT_BOOTARGS = "console=ttyS0 earlycon=sbi";

    /**
     * Always on an x86-64 Linux kernel's command line, before the user's --append: the console
     * on COM1, and reboots by the keyboard controller, which Vireo turns into the end of the VM.
     */
    public static final String DEFAULT_X86_BOOTARGS = "console=ttyS0 reboot=k";

    @Option(names = "--accel", paramLabel = "kvm|emulate|auto", defaultValue = "auto", converter = AcceleratorName.class,
            description = "Backend: kvm (x86-64 guests on /dev/kvm), emulate (RISC-V guests), or auto: "
                    + "whichever runs the kernel's architecture, preferring kvm (default: ${DEFAULT-VALUE}).")
    Accelerator accel;

    @Option(names = "--reboot", description = "x86-64 guests: a guest reset boots the VM again instead of ending it "
            + "(the RISC-V machine always reboots on a guest reboot).")
    boolean reboot;

    @Option(names = "--kernel", required = true, paramLabel = "FILE",
            description = "Kernel: a RISC-V Linux Image (or with --bios none a bare-metal ELF), "
                    + "or an x86-64 bzImage or bare-metal ELF64.")
    Path kernel;

    @Option(names = "--initrd", paramLabel = "FILE", description = "Initial ramdisk (cpio, optionally compressed).")
    Path initrd;

    @Option(names = "--append", paramLabel = "ARGS", description = "Extra kernel command line, after '" + DEFAULT_BOOTARGS + "'.")
    String append;

    @Option(names = "--memory", paramLabel = "SIZE", defaultValue = "512M", description = "Guest RAM, e.g. 512M or 2G (default: ${DEFAULT-VALUE}).")
    String memory;

    @Option(names = "--cpus", paramLabel = "N", defaultValue = "1", description = "Number of harts or vCPUs (default: ${DEFAULT-VALUE}).")
    int cpus;

    @Option(names = "--bios", paramLabel = "default|none|FILE", defaultValue = "default",
            description = "RISC-V M-mode firmware: 'default' (the default guest's OpenSBI), 'none' (bare-metal ELF kernel), or a file.")
    String bios;

    @Option(names = "--disk", paramLabel = "SPEC",
            description = "A virtio-blk disk: PATH[,format=qcow2|raw|vmdk|vdi][,readonly=on|off][,cache=writeback|none]; "
                    + "the format is probed when omitted. Repeat for more disks (vda, vdb, … in order).")
    List<String> disks = new ArrayList<>();

    @Option(names = "--nic", paramLabel = "SPEC",
            description = "A virtio-net NIC: nat[,hostfwd=tcp:127.0.0.1:HOSTPORT-:GUESTPORT]… (passt), switch=NAME, "
                    + "hostonly=NAME, bridge=BRIDGE; optionally ,mac=52:54:00:… and ,rate=10M (bytes/s each way). "
                    + "Repeat for more NICs (eth0, eth1, …).")
    List<String> nics = new ArrayList<>();

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "vm",
            description = "VM name: the switch port name and the seed of stable NIC MACs (default: ${DEFAULT-VALUE}).")
    String name;

    @Override
    public Integer call() {
        List<DiskSpec> diskSpecs = GuestDevices.parse(disks);
        List<NicSpec> nicSpecs = GuestNics.parse(nics, name, diskSpecs.size());
        requireFile(kernel, "--kernel");
        Optional<KernelFile> probed = probe(kernel, accel);
        Accelerator backend = probed.map(k -> choose(k, accel)).orElse(Accelerator.EMULATE);
        if (backend == Accelerator.KVM) {
            if (!nicSpecs.isEmpty()) {
                throw new VireoCliException("--nic is not wired to the KVM backend yet; run without --nic", Main.EXIT_USAGE);
            }
            return runKvm(diskSpecs);
        }
        return runEmulated(diskSpecs, nicSpecs);
    }

    /**
     * The kernel's header, or empty if it is not a kernel Vireo recognises: then the emulator
     * reports what is wrong, as it always has; {@code --accel kvm} reports it here.
     */
    static Optional<KernelFile> probe(Path kernel, Accelerator accel) {
        try {
            return Optional.of(KernelFile.probe(kernel));
        } catch (KernelFormatException e) {
            if (accel == Accelerator.KVM) throw new VireoCliException(e.getMessage(), Main.EXIT_USAGE);
            return Optional.empty();
        } catch (IOException e) {
            throw new VireoCliException("--kernel " + kernel + ": cannot read it (" + e.getMessage() + ")", Main.EXIT_USAGE);
        }
    }

    /** Resolves {@code --accel} for this kernel and says on stderr what was chosen. */
    static Accelerator choose(KernelFile kernel, Accelerator accel) {
        Accelerator backend;
        try {
            backend = accel.resolve(kernel.architecture(), Accelerator.hostArchitecture(), new KvmHypervisor());
        } catch (IllegalArgumentException e) {
            throw new VireoCliException(e.getMessage(), Main.EXIT_USAGE);
        }
        System.err.println("vireo: " + kernel.architecture().displayName() + " guest, accel " + backend.cliName());
        return backend;
    }

    private int runKvm(List<DiskSpec> diskSpecs) {
        if (!bios.equals("default")) {
            throw new VireoCliException("--bios is for RISC-V guests; an x86-64 kernel boots without firmware: drop --bios",
                    Main.EXIT_USAGE);
        }
        if (initrd != null) requireFile(initrd, "--initrd");
        long memoryBytes = MemorySize.parse(memory);
        // Disks open once for the whole run: a guest reboot gets fresh devices, same images.
        try (GuestDevices devices = GuestDevices.open(diskSpecs)) {
            return KvmForeground.run(new KvmLauncher.Request(kernel, Optional.ofNullable(initrd), x86Bootargs(append),
                            memoryBytes, cpus, reboot ? Integer.MAX_VALUE : 0, devices.kvmSlots()),
                    System.in, System.out, System.err);
        }
    }

    private int runEmulated(List<DiskSpec> diskSpecs, List<NicSpec> nicSpecs) {
        Firmware firmware = switch (bios) {
            case "none" -> new Firmware.None();
            case "default" -> new Firmware.File(DefaultGuest.locate().firmware());
            default -> new Firmware.File(Path.of(bios));
        };
        if (initrd != null) requireFile(initrd, "--initrd");
        if (firmware instanceof Firmware.File(Path path)) requireFile(path, "--bios");
        try (GuestNics guestNics = GuestNics.open(nicSpecs, name)) {
            return runForeground(MemorySize.parse(memory), cpus, firmware, kernel, initrd, bootargs(append), diskSpecs, guestNics);
        }
    }

    static String bootargs(String append) {
        return append == null || append.isBlank() ? DEFAULT_BOOTARGS : DEFAULT_BOOTARGS + " " + append.strip();
    }

    static String x86Bootargs(String append) {
        return append == null || append.isBlank() ? DEFAULT_X86_BOOTARGS : DEFAULT_X86_BOOTARGS + " " + append.strip();
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

    /** Parses {@code --accel}; a bad value is a usage error naming the choices. */
    static final class AcceleratorName implements CommandLine.ITypeConverter<Accelerator> {
        @Override
        public Accelerator convert(String value) {
            try {
                return Accelerator.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
