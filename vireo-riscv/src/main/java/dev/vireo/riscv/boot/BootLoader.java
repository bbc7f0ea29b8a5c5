package dev.vireo.riscv.boot;

import dev.vireo.machine.memory.GuestMemory;
import dev.vireo.riscv.MachineException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Loads firmware, kernel, initrd and device tree into guest RAM where QEMU's {@code virt}
 * board puts them (qemu hw/riscv/boot.c), so that the same images boot in both:
 * <ul>
 *   <li>firmware at the start of RAM (an ELF at its own addresses);
 *   <li>a kernel Image at the firmware's end rounded up to 2 MiB (0x8020_0000 for OpenSBI),
 *       an ELF kernel at its own addresses;
 *   <li>the initrd at kernel + min(RAM/2, 128 MiB), clear of the kernel as it unpacks;
 *   <li>the device tree 2 MiB-aligned just below the end of RAM or 3 GiB, whichever is lower,
 *       where neither kernel nor initrd will overwrite it early.
 * </ul>
 * Every placement is checked against RAM and against the others; a failure names the file
 * and how much memory would be needed.
 */
public final class BootLoader {
    static final long ALIGN_2M = 2L << 20;
    static final long INITRD_GAP_MAX = 128L << 20;
    static final long FDT_CEILING = 3L << 30;

    /** What the harts start with. {@code kernelEntry} is the address handed on by firmware (fw_dynamic next_addr). */
    public record Plan(long entry, long kernelEntry, long fdtAddress, long initrdStart, long initrdEnd) {}

    /** Builds the device tree once the initrd's place is known (end == start when there is none). */
    @FunctionalInterface
    public interface DeviceTreeFactory {
        byte[] build(long initrdStart, long initrdEnd);
    }

    private BootLoader() {}

    public static Plan load(GuestMemory ram, Firmware firmware, Path kernel, Path initrd, DeviceTreeFactory deviceTree) {
        long entry;
        long kernelEntry;
        long kernelEnd;
        switch (firmware) {
            case Firmware.File(Path path) -> {
                byte[] bytes = read(path, "firmware");
                long firmwareEnd;
                if (ElfImage.isElf(bytes)) {
                    ElfImage elf = ElfImage.parse(path.toString(), bytes);
                    place(ram, elf, bytes, "firmware '" + path + "'");
                    entry = elf.entry();
                    firmwareEnd = elf.highest();
                } else {
                    checkFits(ram, ram.base(), bytes.length, "firmware '" + path + "'");
                    ram.write(ram.base(), bytes);
                    entry = ram.base();
                    firmwareEnd = ram.base() + bytes.length;
                }
                byte[] kernelBytes = read(kernel, "kernel");
                if (ElfImage.isElf(kernelBytes)) {
                    ElfImage elf = ElfImage.parse(kernel.toString(), kernelBytes);
                    place(ram, elf, kernelBytes, "kernel '" + kernel + "'");
                    kernelEntry = elf.entry();
                    kernelEnd = elf.highest();
                } else {
                    KernelImage image = KernelImage.parse(kernel.toString(), kernelBytes);
                    kernelEntry = alignUp(firmwareEnd, ALIGN_2M);
                    checkFits(ram, kernelEntry, image.imageSize(), "kernel '" + kernel + "'");
                    ram.write(kernelEntry, kernelBytes);
                    kernelEnd = kernelEntry + image.imageSize();
                }
            }
            case Firmware.None() -> {
                byte[] bytes = read(kernel, "kernel");
                if (KernelImage.isImage(bytes)) {
                    throw new MachineException("kernel '" + kernel + "' is a Linux Image, which needs SBI firmware;"
                            + " use --bios default (OpenSBI), or pass a bare-metal ELF with --bios none");
                }
                ElfImage elf = ElfImage.parse(kernel.toString(), bytes);
                place(ram, elf, bytes, "kernel '" + kernel + "'");
                entry = elf.entry();
                kernelEntry = elf.entry();
                kernelEnd = elf.highest();
            }
        }

        long initrdStart = 0, initrdEnd = 0;
        long used = kernelEnd;
        if (initrd != null) {
            byte[] bytes = read(initrd, "initrd");
            initrdStart = alignUp(kernelEntry + Math.min(ram.size() / 2, INITRD_GAP_MAX), 4096);
            initrdStart = Math.max(initrdStart, alignUp(kernelEnd, 4096));
            checkFits(ram, initrdStart, bytes.length, "initrd '" + initrd + "'");
            ram.write(initrdStart, bytes);
            initrdEnd = initrdStart + bytes.length;
            used = initrdEnd;
        }

        byte[] fdt = deviceTree.build(initrdStart, initrdEnd);
        long ceiling = ram.base() < FDT_CEILING ? Math.min(ram.end(), FDT_CEILING) : ram.end();
        long fdtAddress = alignDown(ceiling - fdt.length, ALIGN_2M);
        if (fdtAddress < used) {
            throw new MachineException(String.format(
                    "guest memory of %d MiB is too small: kernel%s and device tree need %d MiB; raise --memory",
                    ram.size() >> 20, initrd != null ? ", initrd" : "", (used - ram.base() + ALIGN_2M + fdt.length + (1 << 20) - 1) >> 20));
        }
        ram.write(fdtAddress, fdt);
        return new Plan(entry, kernelEntry, fdtAddress, initrdStart, initrdEnd);
    }

    private static void place(GuestMemory ram, ElfImage elf, byte[] bytes, String what) {
        for (ElfImage.Segment s : elf.segments()) {
            checkFits(ram, s.physicalAddress(), s.memorySize(), what);
            ram.write(s.physicalAddress(), bytes, (int) s.offset(), (int) s.fileSize());
            // Zero the bss part explicitly: on reboot RAM is fresh, but the rule should not depend on that.
            long zeroFrom = s.physicalAddress() + s.fileSize();
            ram.slice(zeroFrom, s.memorySize() - s.fileSize()).fill((byte) 0);
        }
    }

    private static void checkFits(GuestMemory ram, long address, long length, String what) {
        if (ram.contains(address, length)) return;
        if (address >= ram.base() && address < ram.end() + (64L << 30)) {
            throw new MachineException(String.format(
                    "%s needs guest memory up to 0x%x, but RAM ends at 0x%x (%d MiB); raise --memory",
                    what, address + length, ram.end(), ram.size() >> 20));
        }
        throw new MachineException(String.format(
                "%s wants to load at 0x%x, outside RAM [0x%x, 0x%x); link it for 0x%x", what, address, ram.base(), ram.end(), ram.base()));
    }

    private static byte[] read(Path path, String what) {
        try {
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new MachineException(what + " file '" + path + "' does not exist");
        } catch (IOException | OutOfMemoryError e) {
            throw new MachineException("cannot read " + what + " file '" + path + "': " + e.getMessage());
        }
    }

    static long alignUp(long value, long alignment) {
        return (value + alignment - 1) & -alignment;
    }

    static long alignDown(long value, long alignment) {
        return value & -alignment;
    }
}
