package dev.vireo.kvm.boot;

import dev.vireo.machine.memory.GuestMemory;

/**
 * The structures Vireo puts in the first megabyte of guest RAM before a vCPU starts in
 * 64-bit mode, and where they live. The whole range [0, 1 MiB) is Vireo's: kernels and ELF
 * segments load at or above {@link #KERNEL_MIN}. See docs/kvm-entry.md.
 * <pre>
 *   0x0500  GDT, 8 entries (selectors below)
 *   0x0600  64-bit TSS (104 bytes) and its I/O permission bitmap (8 KiB + 1, all ports allowed,
 *           so CPL3 code may use IN/OUT: on PVM hosts RFLAGS.IOPL is not honoured at CPL3)
 *   0x7000  Linux zero page (boot_params)
 *   0x8FF0  Linux boot stack top
 *   0x9000  PML4   0xA000 PDPT   0xB000..0xEFFF four PDs: 2048 x 2 MiB pages = the low 4 GiB
 *           identity-mapped (RAM in the first GiB or three, then the MMIO gap with the devices),
 *           present, writable and user-accessible (so guests can drop to CPL3)
 *   0x20000 kernel command line (up to 64 KiB)
 *   0x40000..0x80000  ELF guests' per-vCPU stacks, 8 KiB each, top of vCPU n = 0x80000 - n * 0x2000
 *   0x9FC00..0x100000 reserved: EBDA, ACPI tables ({@code 0xE0000} RSDP), BIOS area
 * </pre>
 */
public final class LowMemory {
    public static final long GDT = 0x500, TSS = 0x600, ZERO_PAGE = 0x7000, BOOT_STACK = 0x8FF0;
    /** TSS limit: 104 bytes of TSS, 8192 bytes of I/O bitmap, the 0xFF terminator byte. */
    public static final int TSS_LIMIT = 0x68 + 0x2000;
    public static final long PML4 = 0x9000, PDPT = 0xA000, PD = 0xB000;
    public static final long CMDLINE = 0x20000, CMDLINE_MAX = 0x10000;
    public static final long STACKS_TOP = 0x80000, STACK_BYTES = 0x2000, STACKS_BOTTOM = 0x40000;
    public static final long EBDA = 0x9FC00, ACPI_BASE = 0xE0000, KERNEL_MIN = 0x100000;
    /** Bytes identity-mapped by the boot page tables (Linux's boot protocol needs the first GiB). */
    public static final long IDENTITY_MAPPED = 4L << 30;

    /** GDT selectors: Linux's 64-bit boot protocol wants code at 0x10 and data at 0x18. */
    public static final int KERNEL_CS = 0x10, KERNEL_DS = 0x18, USER_DS = 0x20, USER_CS = 0x28, TSS_SELECTOR = 0x30;
    /** The GDT, as descriptors: null, null, kernel code64, kernel data, user data, user code64, TSS (2 slots). */
    public static final long[] GDT_ENTRIES = {
            0, 0,
            0x00AF_9B00_0000_FFFFL,  // 0x10 code: present, DPL0, execute/read, L=1, G=1
            0x00CF_9300_0000_FFFFL,  // 0x18 data: present, DPL0, read/write, D/B=1, G=1
            0x00CF_F300_0000_FFFFL,  // 0x20 user data: as above with DPL3
            0x00AF_FB00_0000_FFFFL,  // 0x28 user code64: as above with DPL3
            tssLow(TSS, TSS_LIMIT), TSS >>> 32};
    public static final int GDT_LIMIT = GDT_ENTRIES.length * 8 - 1;
    public static final int MAX_ELF_VCPUS = (int) ((STACKS_TOP - STACKS_BOTTOM) / STACK_BYTES);

    private LowMemory() {}

    /** Low 8 bytes of a 64-bit available-TSS descriptor (type 9, present, DPL0). */
    static long tssLow(long base, int limit) {
        return (limit & 0xFFFFL) | ((base & 0xFF_FFFFL) << 16) | (0x89L << 40)
                | (((long) limit & 0xF_0000L) << 32) | ((base & 0xFF00_0000L) << 32);
    }

    /** Writes the GDT, the TSS and the identity page tables. Needs at least 1 MiB of RAM. */
    public static void write(GuestMemory memory) {
        for (int i = 0; i < GDT_ENTRIES.length; i++) memory.writeLong(GDT + 8L * i, GDT_ENTRIES[i]);
        memory.slice(TSS, TSS_LIMIT).fill((byte) 0);     // zero bitmap bits: every port allowed
        memory.writeShort(TSS + 0x66, (short) 0x68);     // I/O map base: right after the TSS
        memory.writeByte(TSS + TSS_LIMIT, (byte) 0xFF);  // the bitmap's terminating byte
        final long present = 1, writable = 2, user = 4, large = 0x80;
        final long cacheDisable = 0x10;
        memory.writeLong(PML4, PDPT | present | writable | user);
        for (long gib = 0; gib < IDENTITY_MAPPED >> 30; gib++) {
            memory.writeLong(PDPT + 8 * gib, (PD + 0x1000 * gib) | present | writable | user);
        }
        for (long i = 0; i < IDENTITY_MAPPED >> 21; i++) {
            long address = i << 21;
            long flags = present | writable | user | large | (address >= (3L << 30) ? cacheDisable : 0);
            memory.writeLong(PD + 8 * i, address | flags);
        }
    }

    /** Top of the stack of vCPU {@code index} for ELF guests. */
    public static long stackTop(int index) {
        if (index < 0 || index >= MAX_ELF_VCPUS) throw new IllegalArgumentException("vCPU index " + index);
        return STACKS_TOP - index * STACK_BYTES;
    }
}
