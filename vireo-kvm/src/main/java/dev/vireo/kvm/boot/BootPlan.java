package dev.vireo.kvm.boot;

import java.util.Optional;

/**
 * How the vCPUs of a loaded guest start. A Linux guest starts only its boot vCPU (the others
 * wait for INIT/SIPI from the kernel, found through the ACPI MADT); a bare-metal ELF guest
 * starts every vCPU at its entry point with its own stack.
 */
public record BootPlan(Kind kind, long entry) {
    public enum Kind { LINUX, ELF }

    /** The entry state of vCPU {@code index} of {@code count}, or empty if it waits for SIPI. */
    public Optional<EntryState> entryFor(int index, int count) {
        return switch (kind) {
            case LINUX -> index == 0
                    ? Optional.of(new EntryState(entry, LowMemory.BOOT_STACK, LowMemory.ZERO_PAGE, 0))
                    : Optional.empty();
            case ELF -> Optional.of(new EntryState(entry, LowMemory.stackTop(index), count, index));
        };
    }
}
