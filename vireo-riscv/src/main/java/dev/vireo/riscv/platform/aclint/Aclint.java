package dev.vireo.riscv.platform.aclint;

import dev.vireo.machine.bus.MmioDevice;
import dev.vireo.riscv.MachineClock;

import java.util.List;

/**
 * The core-local interruptor in SiFive CLINT layout, which is ACLINT's MSWI and MTIMER
 * devices back to back (RISC-V ACLINT specification 1.0, §2-3):
 *
 * <pre>
 * 0x0000 + 4*h   msip of hart h (bit 0; other bits read 0)
 * 0x4000 + 8*h   mtimecmp of hart h (64-bit; 32-bit halves also accepted)
 * 0xBFF8         mtime (64-bit; 32-bit halves also accepted)
 * </pre>
 *
 * Stateless beyond the harts and the clock it forwards to, so any vCPU thread may call it.
 */
public final class Aclint implements MmioDevice {
    public static final long WINDOW_SIZE = 0x10000;
    static final long MSIP_BASE = 0x0, MTIMECMP_BASE = 0x4000, MTIME = 0xBFF8;

    private final AclintHart[] harts;
    private final MachineClock clock;

    public Aclint(List<? extends AclintHart> harts, MachineClock clock) {
        this.harts = harts.toArray(AclintHart[]::new);
        this.clock = clock;
    }

    @Override
    public long read(long offset, int size) {
        if (offset >= MTIME && offset < MTIME + 8) return slice(clock.mtime(), offset - MTIME, size);
        if (offset >= MTIMECMP_BASE && offset < MTIMECMP_BASE + 8L * harts.length) {
            long relative = offset - MTIMECMP_BASE;
            return slice(harts[(int) (relative >> 3)].mtimecmp(), relative & 7, size);
        }
        if (offset < 4L * harts.length && (offset & 3) == 0) {
            return harts[(int) (offset >> 2)].softwareInterrupt() ? 1 : 0;
        }
        return 0;
    }

    @Override
    public void write(long offset, int size, long value) {
        if (offset >= MTIME && offset < MTIME + 8) {
            clock.setMtime(merge(clock.mtime(), offset - MTIME, size, value));
        } else if (offset >= MTIMECMP_BASE && offset < MTIMECMP_BASE + 8L * harts.length) {
            long relative = offset - MTIMECMP_BASE;
            AclintHart hart = harts[(int) (relative >> 3)];
            hart.setMtimecmp(merge(hart.mtimecmp(), relative & 7, size, value));
        } else if (offset < 4L * harts.length && (offset & 3) == 0) {
            harts[(int) (offset >> 2)].setSoftwareInterrupt((value & 1) != 0);
        }
    }

    /** The {@code size} bytes of a 64-bit register starting at byte {@code at}. */
    private static long slice(long register, long at, int size) {
        long value = register >>> (8 * at);
        return size >= 8 ? value : value & ((1L << (8 * size)) - 1);
    }

    /** The register with bytes [at, at+size) replaced by {@code value}. */
    private static long merge(long register, long at, int size, long value) {
        if (size >= 8 && at == 0) return value;
        long mask = ((1L << (8 * size)) - 1) << (8 * at);
        return (register & ~mask) | ((value << (8 * at)) & mask);
    }
}
