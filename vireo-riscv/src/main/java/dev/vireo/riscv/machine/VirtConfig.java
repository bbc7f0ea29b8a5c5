package dev.vireo.riscv.machine;

import dev.vireo.riscv.MachineException;
import dev.vireo.riscv.boot.Firmware;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything needed to build a {@code virt} machine: RAM, harts and what to boot. Validated
 * once here, so the machine never starts half-configured.
 *
 * @param initrd may be null
 */
public record VirtConfig(long memoryBytes, int cpus, Firmware firmware, Path kernel, Path initrd, String bootargs) {
    public static final long MIN_MEMORY = 16L << 20;
    /** RAM ends below the 64-bit hole-free space QEMU allows; far more than a host can give. */
    public static final long MAX_MEMORY = 1L << 40;
    /** PLIC contexts: QEMU virt's limit is 512 harts; more than the host's cores makes no sense anyway. */
    public static final int MAX_CPUS = 64;

    public VirtConfig {
        Objects.requireNonNull(firmware, "firmware");
        Objects.requireNonNull(kernel, "kernel");
        bootargs = bootargs == null ? "" : bootargs;
        if (cpus < 1 || cpus > MAX_CPUS) {
            throw new MachineException("--cpus " + cpus + " is out of range; use 1 to " + MAX_CPUS);
        }
        if (memoryBytes < MIN_MEMORY) {
            throw new MachineException("--memory " + (memoryBytes >> 20) + "M is too little; the virt machine needs at least "
                    + (MIN_MEMORY >> 20) + "M (Linux wants 128M or more)");
        }
        if (memoryBytes > MAX_MEMORY) {
            throw new MachineException("--memory " + (memoryBytes >> 30) + "G is more than the " + (MAX_MEMORY >> 30) + "G limit");
        }
        if ((memoryBytes & ((1 << 20) - 1)) != 0) {
            throw new MachineException("--memory must be a whole number of MiB");
        }
    }
}
