package dev.vireo.kvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What this host offers for running VMs, for {@code vireo host check}: whether KVM is usable
 * and, if so, whether guest kernel-mode code runs natively or is emulated (measured by
 * {@link KernelModeProbe}), plus memory, KSM and cgroup facts read from /proc and /sys.
 *
 * @param kvmProblem    why KVM is unusable, or empty if it is usable
 * @param probe         the kernel-mode measurement (empty if KVM is unusable or the probe failed)
 * @param memTotalKiB   MemTotal from /proc/meminfo (0 if unknown)
 * @param memAvailableKiB MemAvailable from /proc/meminfo (0 if unknown)
 * @param ksm           KSM state ("running", "stopped", "unavailable")
 * @param cgroup        cgroup version and the controllers available at the root
 */
public record HostCheck(Optional<String> kvmProblem, Optional<KernelModeProbe.Result> probe, long memTotalKiB,
                        long memAvailableKiB, String ksm, String cgroup) {

    /** Gathers the facts (runs the probe guest when KVM is usable: about a second on PVM hosts). */
    public static HostCheck run() {
        Optional<String> problem = new KvmHypervisor().unavailableReason();
        Optional<KernelModeProbe.Result> probe = Optional.empty();
        if (problem.isEmpty()) {
            try {
                probe = Optional.of(KernelModeProbe.measure());
            } catch (RuntimeException e) {
                problem = Optional.of("KVM opens but the probe guest failed: " + e.getMessage());
            }
        }
        return new HostCheck(problem, probe, meminfo("MemTotal"), meminfo("MemAvailable"), readKsm(), readCgroup());
    }

    /** One "name: value" line per fact. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add("kvm: " + kvmProblem.map(p -> "unavailable (" + p + ")").orElse("available (/dev/kvm)"));
        probe.ifPresent(p -> out.add("guest kernel mode: " + (p.kernelModeNative() ? "native" : "emulated")
                + String.format(" (%.1f ns per CPL0 loop iteration, %.2f ns at CPL3)",
                p.kernelNanosPerIteration(), p.userNanosPerIteration())));
        out.add(String.format("memory: %d MiB total, %d MiB available", memTotalKiB >> 10, memAvailableKiB >> 10));
        out.add("ksm: " + ksm);
        out.add("cgroup: " + cgroup);
        return out;
    }

    private static long meminfo(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith(key + ":")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (IOException | NumberFormatException e) {
            // unknown
        }
        return 0;
    }

    private static String readKsm() {
        try {
            String run = Files.readString(Path.of("/sys/kernel/mm/ksm/run")).trim();
            return run.equals("1") ? "running" : "stopped (echo 1 > /sys/kernel/mm/ksm/run to share identical guest pages)";
        } catch (IOException e) {
            return "unavailable (kernel without CONFIG_KSM)";
        }
    }

    private static String readCgroup() {
        Path controllers = Path.of("/sys/fs/cgroup/cgroup.controllers");
        try {
            if (Files.exists(controllers)) return "v2, controllers: " + Files.readString(controllers).trim();
            if (Files.isDirectory(Path.of("/sys/fs/cgroup/cpu"))) return "v1";
        } catch (IOException e) {
            // fall through
        }
        return "unavailable";
    }
}
