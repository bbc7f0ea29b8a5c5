package dev.vireo.daemon.vm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vireo.daemon.Sizes;
import dev.vireo.daemon.registry.VmRecord;

import java.util.List;

/** What {@code GET /api/vms/{name}} answers: the definition, the state and, while running, the VMM's figures. */
public record VmInfo(String name, String state, String reason, int cpus, String memory, long memoryBytes,
                     String kernel, String initrd, String append, String firmware, List<String> disks,
                     List<String> nics, boolean autostart, Long pid, String createdAt, String consoleLog,
                     JsonNode stats) {
    public static VmInfo of(VmRecord vm, String consoleLog, JsonNode stats) {
        return new VmInfo(vm.name(), vm.state().name(), vm.reason(), vm.cpus(), Sizes.format(vm.memoryBytes()),
                vm.memoryBytes(), vm.kernel(), vm.initrd(), vm.append(), vm.firmware(), vm.disks(), vm.nics(),
                vm.autostart(), vm.pid(), vm.createdAt().toString(), consoleLog, stats);
    }
}
