package dev.vireo.cli;

import dev.vireo.kvm.HostCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code vireo host check [--output json]}: the facts of {@link HostCheck}: whether KVM is
 * usable, whether guest kernel-mode code runs natively or is emulated (measured with a tiny
 * guest, about a second), memory, KSM and cgroups. A report, so it exits 0 even without KVM.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Report whether KVM is usable and guest kernel mode runs natively, plus memory, KSM and cgroups.",
                "Exit status: 0 (the report says what is missing)."})
final class HostCheckCommand implements Callable<Integer> {
    @Option(names = "--output", paramLabel = "FORMAT", description = "table (default) or json")
    OutputFormat output = OutputFormat.table;

    @Override
    public Integer call() {
        HostCheck check = HostCheck.run();
        if (output == OutputFormat.json) System.out.println(json(check));
        else check.lines().forEach(System.out::println);
        return Main.EXIT_OK;
    }

    static String json(HostCheck check) {
        StringBuilder b = new StringBuilder("{\"kvm\": {\"usable\": ").append(check.kvmProblem().isEmpty());
        check.kvmProblem().ifPresent(p -> b.append(", \"problem\": ").append(Json.string(p)));
        b.append('}');
        check.probe().ifPresent(p -> b.append(", \"guest_kernel_mode\": {\"native\": ").append(p.kernelModeNative())
                .append(", \"cpl0_ns_per_iteration\": ").append(number(p.kernelNanosPerIteration()))
                .append(", \"cpl3_ns_per_iteration\": ").append(number(p.userNanosPerIteration())).append('}'));
        return b.append(", \"memory\": {\"total_kib\": ").append(check.memTotalKiB())
                .append(", \"available_kib\": ").append(check.memAvailableKiB()).append('}')
                .append(", \"ksm\": ").append(Json.string(check.ksm()))
                .append(", \"cgroup\": ").append(Json.string(check.cgroup())).append('}').toString();
    }

    private static String number(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.2f", value) : "null";
    }
}
