package dev.vireo.cli.run;

import dev.vireo.cli.Main;
import dev.vireo.cli.VireoCliException;
import dev.vireo.image.DiskImage;
import dev.vireo.kvm.KvmMachineConfig;
import dev.vireo.kvm.devices.VirtioMmioSlots;
import dev.vireo.machine.virtio.blk.BlockConfig;
import dev.vireo.machine.virtio.blk.BlockDevice;
import dev.vireo.machine.virtio.blk.DiskSpec;
import dev.vireo.machine.virtio.mmio.VirtioMmioTransport;
import dev.vireo.machine.virtio.rng.RngDevice;
import dev.vireo.riscv.machine.VirtMachine;
import dev.vireo.riscv.machine.VirtMemoryMap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The virtio devices of a {@code vireo run} VM, RISC-V ({@link #attach}) or KVM ({@link #kvmSlots}):
 * one virtio-blk per {@code --disk} (vda, vdb, … in the order given, slots 0…n-1) and a
 * virtio-rng after them. Owns the opened disk images:
 * they live across guest reboots (each machine gets fresh devices around the same images)
 * and are flushed and closed by {@link #close()}.
 */
public final class GuestDevices implements AutoCloseable {
    /** Of the board's eight slots, the last is its power button and one goes to the entropy device. */
    public static final int MAX_DISKS = VirtMemoryMap.ATTACHABLE_VIRTIO_SLOTS - 1;

    private record Disk(String name, DiskSpec spec, DiskImage image) {}

    private final List<Disk> disks;

    private GuestDevices(List<Disk> disks) {
        this.disks = disks;
    }

    /** Parses {@code --disk} values; a malformed one is a usage error (exit 2). */
    public static List<DiskSpec> parse(List<String> values) {
        if (values.size() > MAX_DISKS) {
            throw new VireoCliException("at most " + MAX_DISKS + " --disk options fit the virt machine ("
                    + VirtMemoryMap.VIRTIO_SLOTS + " virtio-mmio slots: one is the power button, one the entropy device)", Main.EXIT_USAGE);
        }
        List<DiskSpec> specs = new ArrayList<>();
        Set<Path> seen = new HashSet<>();
        for (String value : values) {
            DiskSpec spec;
            try {
                spec = DiskSpec.parse(value);
            } catch (IllegalArgumentException e) {
                throw new VireoCliException(e.getMessage(), Main.EXIT_USAGE);
            }
            if (!Files.exists(spec.path()) || Files.isDirectory(spec.path())) {
                throw new VireoCliException("--disk " + spec.path() + ": no such file; create one with 'vireo img create'", Main.EXIT_USAGE);
            }
            if (!seen.add(spec.path().toAbsolutePath().normalize())) {
                throw new VireoCliException("--disk " + spec.path() + " is given twice; two devices on one image would corrupt it", Main.EXIT_USAGE);
            }
            specs.add(spec);
        }
        return specs;
    }

    /** Opens every image; if one fails, those already open are closed again. */
    public static GuestDevices open(List<DiskSpec> specs) {
        List<Disk> opened = new ArrayList<>();
        try {
            for (DiskSpec spec : specs) {
                String name = "vd" + (char) ('a' + opened.size());
                try {
                    opened.add(new Disk(name, spec, spec.open()));
                } catch (IOException e) {
                    throw new VireoCliException("--disk " + spec.path() + ": " + e.getMessage());
                }
            }
            return new GuestDevices(opened);
        } catch (RuntimeException e) {
            new GuestDevices(opened).close();
            throw e;
        }
    }

    /** Adds the disks and the entropy device to a machine being built. */
    public void attach(VirtMachine.Builder builder) {
        for (Disk disk : disks) {
            BlockConfig config = BlockConfig.of(disk.name(), disk.spec().readOnly());
            builder.addVirtioMmio((ram, line) -> new VirtioMmioTransport("virtio-blk " + disk.name(), ram,
                    new BlockDevice(config, disk.image()), line));
        }
        builder.addVirtioMmio((ram, line) -> new VirtioMmioTransport("virtio-rng", ram, new RngDevice("rng0"), line));
    }

    /**
     * The same devices for the x86-64 KVM machine: disks in virtio-mmio slots 0…n-1, the
     * entropy device in slot n ({@link VirtioMmioSlots}: windows from 0xD0000000, GSI 16 up).
     */
    public List<KvmMachineConfig.MmioSlot> kvmSlots() {
        List<KvmMachineConfig.MmioSlot> slots = new ArrayList<>();
        for (Disk disk : disks) {
            slots.add(VirtioMmioSlots.block(slots.size(), BlockConfig.of(disk.name(), disk.spec().readOnly()), disk.image()));
        }
        slots.add(VirtioMmioSlots.slot(slots.size(), "virtio-rng", () -> new RngDevice("rng0")));
        return slots;
    }

    public int diskCount() { return disks.size(); }

    @Override
    public void close() {
        for (Disk disk : disks) {
            try (DiskImage image = disk.image()) {
                if (!image.readOnly()) image.flush();
            } catch (IOException e) {
                System.err.println("vireo: closing disk " + disk.spec().path() + " failed: " + e.getMessage());
            }
        }
    }
}
