package dev.vireo.daemon.vm;

import java.util.List;

/**
 * The body of {@code POST /api/vms}: a VM definition as the user writes it.
 * Either {@code kernel} (with optional initrd/append/firmware) or {@code template}.
 */
public record VmSpec(String name, Integer cpus, String memory, String kernel, String initrd, String append,
                     String firmware, String template, List<String> disks, List<String> nics, Boolean autostart) {}
