package dev.vireo.riscv.cpu;

/**
 * Physical memory protection (RISC-V privileged 1.12 §3.7): 64 entries, granularity 4 bytes,
 * OFF/TOR/NA4/NAPOT matching, lock bits. The MMU asks for the permissions of a whole page when it
 * fills its TLB; a page that an entry only partly covers is checked access by access.
 *
 * <p>As in QEMU, when no entry is active every access is allowed (firmware-less guests).
 */
final class Pmp {
    static final int R = 1, W = 2, X = 4, L = 0x80;
    static final int ENTRIES = 64;
    /** Permission mask meaning "not uniform over the page: check each access". */
    static final int NOT_UNIFORM = -1;

    private final byte[] cfg = new byte[ENTRIES];
    private final long[] addr = new long[ENTRIES];
    private final long[] lo = new long[ENTRIES], hi = new long[ENTRIES];
    private int active;

    long readCfg(int register) {
        long v = 0;
        for (int i = 0; i < 8; i++) v |= (cfg[register * 4 + i] & 0xFFL) << (8 * i);
        return v;
    }

    /** Writes pmpcfg{register*2} (8 entries on RV64). */
    void writeCfg(int register, long value) {
        for (int i = 0; i < 8; i++) {
            int e = register * 4 + i;
            if ((cfg[e] & L) != 0) continue;
            int c = (int) (value >>> (8 * i)) & 0x9F;
            if ((c & (R | W)) == W) c &= ~W;
            cfg[e] = (byte) c;
        }
        recompute();
    }

    long readAddr(int e) {
        int mode = (cfg[e] >> 3) & 3;
        return addr[e];
    }

    void writeAddr(int e, long value) {
        if ((cfg[e] & L) != 0) return;
        if (e + 1 < ENTRIES && (cfg[e + 1] & L) != 0 && ((cfg[e + 1] >> 3) & 3) == 1) return;
        addr[e] = value & ((1L << 54) - 1);
        recompute();
    }

    private void recompute() {
        active = 0;
        for (int e = 0; e < ENTRIES; e++) {
            int mode = (cfg[e] >> 3) & 3;
            switch (mode) {
                case 0 -> { lo[e] = 0; hi[e] = 0; }
                case 1 -> { lo[e] = e == 0 ? 0 : addr[e - 1] << 2; hi[e] = addr[e] << 2; }
                case 2 -> { lo[e] = addr[e] << 2; hi[e] = lo[e] + 4; }
                default -> {
                    int ones = Long.numberOfTrailingZeros(~addr[e]);
                    long size = ones >= 54 ? 1L << 56 : 1L << (ones + 3);
                    lo[e] = (addr[e] << 2) & ~(size - 1);
                    hi[e] = lo[e] + size;
                }
            }
            if (mode != 0) active++;
        }
    }

    /** Permissions (R|W|X) of an access of {@code size} bytes at {@code pa} from privilege {@code priv}. */
    int check(long pa, int size, int priv) {
        return lookup(pa, size, priv, false);
    }

    /** Permissions valid for the whole 4 KiB page at {@code page}, or {@link #NOT_UNIFORM}. */
    int pagePermissions(long page, int priv) {
        return lookup(page, 4096, priv, true);
    }

    private int lookup(long pa, long size, int priv, boolean page) {
        if (active == 0) return R | W | X;
        long end = pa + size;
        for (int e = 0; e < ENTRIES; e++) {
            int c = cfg[e];
            if (((c >> 3) & 3) == 0 || Long.compareUnsigned(lo[e], hi[e]) >= 0) continue;
            boolean overlaps = Long.compareUnsigned(pa, hi[e]) < 0 && Long.compareUnsigned(lo[e], end) < 0;
            if (!overlaps) continue;
            boolean covers = Long.compareUnsigned(lo[e], pa) <= 0 && Long.compareUnsigned(end, hi[e]) <= 0;
            if (!covers) return page ? NOT_UNIFORM : 0;
            if (priv == 3 && (c & L) == 0) return R | W | X;
            return c & (R | W | X);
        }
        return priv == 3 ? R | W | X : 0;
    }
}
