package dev.vireo.cli.vm;

import dev.vireo.cli.DaemonCalls;
import dev.vireo.cli.Main;
import dev.vireo.cli.OutputFormat;
import dev.vireo.cli.guest.DefaultGuest;
import dev.vireo.daemon.vm.VmSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code vireo vm create NAME …}: defines a VM (stopped). Without --kernel/--firmware it boots the default guest. */
@Command(name = "create", mixinStandardHelpOptions = true,
        description = "Define a VM. Without --kernel, --firmware or --from-template it boots the default guest (vireo guest prepare).",
        footer = {"", "Examples:", "  vireo vm create web --cpus 2 --memory 1G --disk data",
                "  vireo vm create k --kernel ./Image --initrd ./initrd.cpio --append 'console=ttyS0'"})
final class VmCreateCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME") String name;
    @Option(names = "--cpus", paramLabel = "N", description = "virtual CPUs (default 1)") Integer cpus;
    @Option(names = "--memory", paramLabel = "SIZE", description = "guest RAM, e.g. 512M or 2G (default 512M)") String memory;
    @Option(names = "--kernel", paramLabel = "FILE") Path kernel;
    @Option(names = "--initrd", paramLabel = "FILE") Path initrd;
    @Option(names = "--append", paramLabel = "ARGS", description = "kernel command line") String append;
    @Option(names = {"--firmware", "--bios"}, paramLabel = "FILE", description = "M-mode firmware, or 'none' for bare-metal ELFs") String firmware;
    @Option(names = "--from-template", paramLabel = "TEMPLATE") String template;
    @Option(names = "--disk", paramLabel = "SPEC", description = "VOLUME or /path[,format=…][,readonly=on] (repeatable)") List<String> disks = new ArrayList<>();
    @Option(names = "--nic", paramLabel = "SPEC", description = "network interface (repeatable): network=NAME (vireo net create), or as vireo run --nic: "
            + "nat[,hostfwd=…], switch=NAME, hostonly=NAME, bridge=BR; optionally ,mac=… ,rate=10M") List<String> nics = new ArrayList<>();
    @Option(names = "--autostart", description = "start it when the daemon starts") boolean autostart;
    @Option(names = "--output", paramLabel = "FORMAT", description = "table (default) or json") OutputFormat output = OutputFormat.table;

    @Override
    public Integer call() {
        String kernelPath = absolute(kernel), initrdPath = absolute(initrd);
        String firmwarePath = firmware == null || firmware.equals("none") ? firmware : Path.of(firmware).toAbsolutePath().toString();
        if (kernel == null && firmware == null && template == null) {
            DefaultGuest guest = DefaultGuest.locate();
            kernelPath = guest.kernel().toString();
            initrdPath = guest.initrd().toString();
            firmwarePath = guest.firmware().toString();
        }
        List<String> diskSpecs = disks.stream().map(d -> d.startsWith("./") || d.startsWith("../")
                ? Path.of(d).toAbsolutePath().normalize().toString() : d).toList();
        VmSpec spec = new VmSpec(name, cpus, memory, kernelPath, initrdPath, append, firmwarePath, template,
                diskSpecs, nics, autostart);
        var vm = DaemonCalls.call("POST", "/api/vms", spec);
        if (output == OutputFormat.json) DaemonCalls.printJson(vm);
        else System.out.println("created vm '" + vm.path("name").asText() + "' (" + vm.path("cpus").asInt() + " cpus, "
                + vm.path("memory").asText() + "); start it with: vireo vm start " + vm.path("name").asText());
        return Main.EXIT_OK;
    }

    private static String absolute(Path p) { return p == null ? null : p.toAbsolutePath().normalize().toString(); }
}
