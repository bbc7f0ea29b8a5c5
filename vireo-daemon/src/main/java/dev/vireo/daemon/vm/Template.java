package dev.vireo.daemon.vm;

import java.util.List;

/**
 * A template: a frozen VM definition whose disks are read-only base volumes. A VM created
 * from it gets a qcow2 overlay per base (a linked clone) and the template's settings unless
 * the request overrides cpus or memory.
 */
public record Template(String name, int cpus, long memoryBytes, String kernel, String initrd, String append,
                       String firmware, List<String> disks, List<String> nics) {}
