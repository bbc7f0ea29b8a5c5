package dev.vireo.daemon.vm;

import dev.vireo.daemon.ApiException;
import dev.vireo.daemon.Sizes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Admission control (DESIGN.md §9): a VM may start only when its memory fits in the host's
 * available memory ({@code MemAvailable} of /proc/meminfo) times the overcommit ratio.
 */
public final class Admission {
    private final Path meminfo;
    private final double overcommit;

    public Admission(Path meminfo, double overcommit) {
        if (!(overcommit > 0)) throw new IllegalArgumentException("overcommit ratio must be positive, not " + overcommit);
        this.meminfo = meminfo;
        this.overcommit = overcommit;
    }

    public double overcommit() { return overcommit; }

    /** Throws a 409 naming the free memory and the ratio when {@code memoryBytes} does not fit. */
    public void admit(String vm, long memoryBytes) {
        long available = available();
        double limit = available * overcommit;
        if (memoryBytes > limit) {
            throw ApiException.conflict("not enough host memory to start vm '" + vm + "': it needs " + Sizes.format(memoryBytes)
                    + ", the host has " + Sizes.format(available) + " available × overcommit ratio " + overcommit + " = "
                    + Sizes.format((long) limit) + "; lower the vm's memory, stop other vms, or start the daemon with a higher --overcommit");
        }
    }

    /** MemAvailable in bytes. */
    public long available() {
        try {
            for (String line : Files.readAllLines(meminfo)) {
                if (line.startsWith("MemAvailable:")) {
                    String[] fields = line.substring("MemAvailable:".length()).trim().split("\\s+");
                    return Long.parseLong(fields[0]) * 1024;
                }
            }
            throw new IllegalStateException(meminfo + " has no MemAvailable line; Vireo needs Linux 3.14 or newer");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + meminfo + ": " + e.getMessage(), e);
        }
    }
}
