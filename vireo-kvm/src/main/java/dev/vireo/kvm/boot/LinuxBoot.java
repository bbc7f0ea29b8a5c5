package dev.vireo.kvm.boot;

import dev.vireo.machine.memory.GuestMemory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * 64-bit direct boot of an x86 Linux bzImage (Documentation/arch/x86/boot.rst, protocol 2.12
 * or later): the protected-mode kernel is copied to 1 MiB, the zero page (boot_params) is built
 * at {@link LowMemory#ZERO_PAGE} from the image's setup header plus the loader's fields
 * (command line, initrd, e820 map, ACPI RSDP), and the boot vCPU enters at the 64-bit entry
 * point, load address + 0x200, with RSI pointing at the zero page.
 */
public final class LinuxBoot {
    /** Offsets in the setup header and boot_params (boot.rst, "THE REAL-MODE KERNEL HEADER"; zero-page.rst). */
    static final int ACPI_RSDP_ADDR = 0x070, E820_ENTRIES = 0x1E8, SETUP_SECTS = 0x1F1, BOOT_FLAG = 0x1FE,
            HEADER = 0x202, VERSION = 0x206, TYPE_OF_LOADER = 0x210, LOADFLAGS = 0x211, RAMDISK_IMAGE = 0x218,
            RAMDISK_SIZE = 0x21C, HEAP_END_PTR = 0x224, CMD_LINE_PTR = 0x228, INITRD_ADDR_MAX = 0x22C,
            XLOADFLAGS = 0x236, CMDLINE_SIZE = 0x238, INIT_SIZE = 0x260, E820_TABLE = 0x2D0;
    static final int MIN_VERSION = 0x020C;
    static final int LOADED_HIGH = 0x01, CAN_USE_HEAP = 0x80, XLF_KERNEL_64 = 0x01;
    static final int E820_RAM = 1, E820_RESERVED = 2;
    public static final long LOAD_ADDRESS = 0x100000, ENTRY_64_OFFSET = 0x200;

    private LinuxBoot() {}

    /**
     * Loads {@code bzImage} (and {@code initrd}, may be null) into {@code memory}.
     *
     * @param rsdp guest physical address of the ACPI RSDP, or 0 for none
     * @throws BootException naming what is wrong with the image or what is missing
     */
    public static BootPlan load(byte[] bzImage, byte[] initrd, String cmdline, GuestMemory memory, long rsdp) {
        ByteBuffer h = ByteBuffer.wrap(bzImage).order(ByteOrder.LITTLE_ENDIAN);
        if (bzImage.length < INIT_SIZE + 4) throw new BootException("kernel file is too short to be a bzImage (" + bzImage.length + " bytes)");
        if (Short.toUnsignedInt(h.getShort(BOOT_FLAG)) != 0xAA55 || h.getInt(HEADER) != 0x53726448) {
            throw new BootException("kernel file is not a bzImage (no 0xAA55 boot flag and \"HdrS\" header)");
        }
        int version = Short.toUnsignedInt(h.getShort(VERSION));
        if (version < MIN_VERSION) {
            throw new BootException(String.format("bzImage boot protocol %d.%02d is too old; Vireo needs 2.12 or later",
                    version >> 8, version & 0xFF));
        }
        if ((h.get(XLOADFLAGS) & XLF_KERNEL_64) == 0) throw new BootException("bzImage has no 64-bit entry point (not an x86-64 kernel?)");
        if ((h.get(LOADFLAGS) & LOADED_HIGH) == 0) throw new BootException("bzImage is a zImage (must be loaded high)");
        int setupSects = Byte.toUnsignedInt(h.get(SETUP_SECTS));
        if (setupSects == 0) setupSects = 4;
        int kernelOffset = (setupSects + 1) * 512;
        if (kernelOffset >= bzImage.length) throw new BootException("bzImage is truncated: no protected-mode kernel after the setup code");
        int kernelBytes = bzImage.length - kernelOffset;
        long initSize = Integer.toUnsignedLong(h.getInt(INIT_SIZE));
        long kernelEnd = LOAD_ADDRESS + Math.max(initSize, kernelBytes);
        long initrdBytes = initrd == null ? 0 : initrd.length;
        long needed = kernelEnd + ((initrdBytes + 0xFFF) & ~0xFFFL);
        if (needed > memory.end()) {
            throw new BootException(String.format("the kernel needs at least %d MiB of memory (init size %d KiB%s); the VM has %d MiB",
                    (needed + (1 << 20) - 1) >> 20, initSize >> 10,
                    initrd == null ? "" : " plus a " + (initrdBytes >> 10) + " KiB initrd", memory.size() >> 20));
        }

        memory.write(LOAD_ADDRESS, bzImage, kernelOffset, kernelBytes);
        writeZeroPage(h, bzImage, memory);
        writeCommandLine(cmdline, h, memory);
        if (initrd != null) loadInitrd(initrd, h, memory, kernelEnd);
        memory.writeLong(LowMemory.ZERO_PAGE + ACPI_RSDP_ADDR, rsdp);
        writeE820(memory);
        return new BootPlan(BootPlan.Kind.LINUX, LOAD_ADDRESS + ENTRY_64_OFFSET);
    }

    private static void writeZeroPage(ByteBuffer h, byte[] image, GuestMemory memory) {
        long zp = LowMemory.ZERO_PAGE;
        memory.slice(zp, 4096).fill((byte) 0);
        // The setup header runs from 0x1F1 to 0x202 + the byte at 0x201 (its length past the jump).
        int headerEnd = Math.min(HEADER + Byte.toUnsignedInt(h.get(0x201)), image.length);
        memory.write(zp + SETUP_SECTS, image, SETUP_SECTS, Math.min(headerEnd, 0x290) - SETUP_SECTS);
        memory.writeByte(zp + TYPE_OF_LOADER, (byte) 0xFF);
        memory.writeByte(zp + LOADFLAGS, (byte) (h.get(LOADFLAGS) | CAN_USE_HEAP));
        memory.writeShort(zp + HEAP_END_PTR, (short) 0xFE00);
    }

    private static void writeCommandLine(String cmdline, ByteBuffer h, GuestMemory memory) {
        byte[] bytes = cmdline.getBytes(StandardCharsets.US_ASCII);
        long max = Math.min(Integer.toUnsignedLong(h.getInt(CMDLINE_SIZE)), LowMemory.CMDLINE_MAX - 1);
        if (bytes.length > max) {
            throw new BootException("kernel command line is " + bytes.length + " bytes; this kernel accepts at most " + max);
        }
        memory.write(LowMemory.CMDLINE, bytes);
        memory.writeByte(LowMemory.CMDLINE + bytes.length, (byte) 0);
        memory.writeInt(LowMemory.ZERO_PAGE + CMD_LINE_PTR, (int) LowMemory.CMDLINE);
    }

    /** Places the initrd page-aligned as high as the kernel allows, above the kernel's init area. */
    private static void loadInitrd(byte[] initrd, ByteBuffer h, GuestMemory memory, long kernelEnd) {
        long maxAddress = Integer.toUnsignedLong(h.getInt(INITRD_ADDR_MAX));
        long top = Math.min(memory.end(), maxAddress + 1);
        long address = (top - initrd.length) & ~0xFFFL;
        if (address < kernelEnd) {
            throw new BootException(String.format("the initrd (%d KiB) does not fit between the kernel and 0x%x; give the VM more memory",
                    initrd.length >> 10, top));
        }
        memory.write(address, initrd);
        memory.writeInt(LowMemory.ZERO_PAGE + RAMDISK_IMAGE, (int) address);
        memory.writeInt(LowMemory.ZERO_PAGE + RAMDISK_SIZE, initrd.length);
    }

    /** RAM below the EBDA, the reserved legacy hole up to 1 MiB (ACPI tables live there), RAM above. */
    private static void writeE820(GuestMemory memory) {
        long[][] map = {
                {0, LowMemory.EBDA, E820_RAM},
                {LowMemory.EBDA, LowMemory.KERNEL_MIN - LowMemory.EBDA, E820_RESERVED},
                {LowMemory.KERNEL_MIN, memory.end() - LowMemory.KERNEL_MIN, E820_RAM}};
        for (int i = 0; i < map.length; i++) {
            long at = LowMemory.ZERO_PAGE + E820_TABLE + 20L * i;
            memory.writeLong(at, map[i][0]);
            memory.writeLong(at + 8, map[i][1]);
            memory.writeInt(at + 16, (int) map[i][2]);
        }
        memory.writeByte(LowMemory.ZERO_PAGE + E820_ENTRIES, (byte) map.length);
    }
}
