package dev.vireo.daemon.registry;

import java.time.Instant;
import java.util.List;

/**
 * One VM as the registry stores it: its definition, and its runtime state.
 *
 * @param disks     {@code --disk} specs; a bare name (no '/') is a volume in VIREO_HOME/disks
 * @param pid       the VMM process while active, else null
 * @param pidStart  the VMM process's start time, so a reused pid is not mistaken for it
 * @param reason    why the VM is in its state (a crash reason, "guest powered off"…), may be null
 */
public record VmRecord(String name, int cpus, long memoryBytes, String kernel, String initrd, String append,
                       String firmware, List<String> disks, List<String> nics, boolean autostart,
                       VmState state, String reason, Long pid, String pidStart, Instant createdAt) {
    public VmRecord {
        disks = List.copyOf(disks);
        nics = List.copyOf(nics);
    }

    public VmRecord withState(VmState newState, String newReason, Long newPid, String newPidStart) {
        return new VmRecord(name, cpus, memoryBytes, kernel, initrd, append, firmware, disks, nics, autostart,
                newState, newReason, newPid, newPidStart, createdAt);
    }
}
