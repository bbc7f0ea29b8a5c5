package dev.vireo.daemon.vm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vireo.daemon.ApiException;
import dev.vireo.daemon.DaemonConfig;
import dev.vireo.daemon.Names;
import dev.vireo.daemon.Sizes;
import dev.vireo.daemon.disk.DiskManager;
import dev.vireo.daemon.disk.DiskSnapshots;
import dev.vireo.daemon.network.NetworkManager;
import dev.vireo.daemon.registry.Registry;
import dev.vireo.daemon.registry.VmRecord;
import dev.vireo.daemon.registry.VmState;
import dev.vireo.vmm.ControlProtocol.Operation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The VM lifecycle: definitions in the {@link Registry}, one VMM process per active VM through
 * the {@link VmmSupervisor}, transitions checked with messages that say what to do.
 *
 * <p>Threads: API threads call the public methods; lifecycle operations on one VM are
 * serialized by that VM's lock. {@link #vmmEnded} runs on process-reaper threads.
 */
public final class VmManager {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30), POWEROFF_GRACE = Duration.ofSeconds(5);

    private final DaemonConfig config;
    private final Registry registry;
    private final VmmSupervisor supervisor;
    private final Admission admission;
    private final DiskManager disks;
    private final NetworkManager networks;
    private final VmCopies copies;
    private final DiskSnapshots snapshots;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    /** VMs whose VMM we are stopping on purpose: its end is a stop, never a crash. */
    private final Set<String> stopping = ConcurrentHashMap.newKeySet();

    public VmManager(DaemonConfig config, Registry registry, DiskManager disks, NetworkManager networks) {
        this.config = config;
        this.registry = registry;
        this.disks = disks;
        this.networks = networks;
        this.supervisor = new VmmSupervisor(config.home(), config.vmmCommand(), this::vmmEnded);
        this.admission = new Admission(config.meminfo(), config.overcommit());
        this.copies = new VmCopies(registry, disks);
        this.snapshots = new DiskSnapshots(registry);
    }

    // ---- definitions

    public VmInfo create(VmSpec spec) {
        String name = Names.check("vm", spec.name());
        if (spec.template() != null) {
            synchronized (lock(name)) {
                return VmInfo.of(copies.fromTemplate(spec), config.home().consoleLog(name).toString(), null);
            }
        }
        int cpus = spec.cpus() == null ? 1 : spec.cpus();
        if (cpus < 1 || cpus > 64) throw ApiException.badRequest("--cpus " + cpus + " is out of range; give 1 to 64");
        long memory = Sizes.parse("--memory", spec.memory() == null ? "512M" : spec.memory());
        if (memory % (1 << 20) != 0 || memory < (16 << 20)) {
            throw ApiException.badRequest("--memory " + spec.memory() + " must be a whole number of MiB, at least 16M (e.g. 512M)");
        }
        if (spec.kernel() == null && spec.firmware() == null) {
            throw ApiException.badRequest("vm '" + name + "' needs something to boot: give --kernel FILE (and --initrd, --append) or --firmware FILE");
        }
        String kernel = hostFile("--kernel", spec.kernel()), initrd = hostFile("--initrd", spec.initrd()),
                firmware = spec.firmware() == null || spec.firmware().equals("none") ? spec.firmware() : hostFile("--firmware", spec.firmware());
        List<String> diskSpecs = spec.disks() == null ? List.of() : List.copyOf(spec.disks());
        for (String disk : diskSpecs) disks.resolve(disk);
        List<String> nics = spec.nics() == null ? List.of() : List.copyOf(spec.nics());
        networks.check(name, nics);
        VmRecord vm = new VmRecord(name, cpus, memory, kernel, initrd, spec.append(), firmware, diskSpecs, nics,
                Boolean.TRUE.equals(spec.autostart()), VmState.stopped, "created", null, null, Instant.now());
        registry.insertVm(vm);
        return VmInfo.of(vm, config.home().consoleLog(name).toString(), null);
    }

    public List<VmInfo> list() {
        return registry.listVms().stream().map(vm -> VmInfo.of(vm, config.home().consoleLog(vm.name()).toString(), null)).toList();
    }

    public VmInfo info(String name) {
        VmRecord vm = find(name);
        JsonNode stats = null;
        if (vm.state().active()) {
            try {
                stats = supervisor.control(name, Operation.stats);
            } catch (IOException e) {
                stats = null; // the VMM is going away; its exit will update the state
            }
        }
        return VmInfo.of(vm, config.home().consoleLog(name).toString(), stats);
    }

    public void delete(String name, boolean withDisks) {
        synchronized (lock(name)) {
            VmRecord vm = find(name);
            if (vm.state().active()) throw ApiException.conflict("vm '" + name + "' is " + vm.state() + "; stop it first (vireo vm stop " + name + ")");
            if (withDisks) {
                for (String disk : vm.disks()) disks.deleteIfOwned(disk, name);
            }
            registry.deleteVm(name);
            forgetFiles(name);
        }
    }

    /** A deleted VM's logs and status go with it: a new VM of the same name starts clean. */
    private void forgetFiles(String name) {
        var home = config.home();
        List<Path> files = new ArrayList<>(List.of(home.consoleLog(name), home.vmmLog(name), home.statusFile(name)));
        for (int i = 1; i <= dev.vireo.vmm.Vmm.CONSOLE_LOG_KEEP; i++) files.add(home.logs().resolve(name + ".console.log." + i));
        for (Path file : files) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                System.err.println("vireod: cannot delete " + file + ": " + e.getMessage());
            }
        }
    }

    public VmInfo autostart(String name, boolean on) {
        find(name);
        registry.setAutostart(name, on);
        return info(name);
    }

    public VmRecord find(String name) {
        Names.check("vm", name);
        return registry.findVm(name).orElseThrow(() -> ApiException.notFound("vm '" + name + "' does not exist; see vireo vm list"));
    }

    // ---- clones, templates, snapshots (of stopped VMs)

    public VmInfo clone(String source, String target, boolean linked) {
        synchronized (lock(source)) {
            VmRecord clone = copies.clone(find(source), target, linked);
            return VmInfo.of(clone, config.home().consoleLog(clone.name()).toString(), null);
        }
    }

    public Template createTemplate(String vm, String name) {
        synchronized (lock(vm)) {
            return copies.templateFrom(find(vm), name == null ? vm : name);
        }
    }

    public List<Template> templates() { return copies.templates(); }

    public Template template(String name) { return copies.template(name); }

    public void deleteTemplate(String name) { copies.deleteTemplate(name); }

    public List<DiskSnapshots.SnapshotInfo> snapshots(String vm) {
        synchronized (lock(vm)) {
            return snapshots.list(find(vm));
        }
    }

    public void snapshot(String vm, String action, String snapshot) {
        synchronized (lock(vm)) {
            VmRecord record = find(vm);
            switch (action) {
                case "create" -> snapshots.create(record, snapshot);
                case "revert" -> snapshots.revert(record, snapshot);
                case "delete" -> snapshots.delete(record, snapshot);
                default -> throw new IllegalArgumentException(action);
            }
        }
    }

    // ---- lifecycle

    public VmInfo start(String name) {
        synchronized (lock(name)) {
            VmRecord vm = find(name);
            if (vm.state().active()) throw ApiException.conflict("vm '" + name + "' is already " + vm.state() + "; stop it first to restart it, or use vireo vm reboot " + name);
            admission.admit(name, vm.memoryBytes());
            List<String> arguments = runArguments(vm);
            ProcessHandle vmm;
            try {
                vmm = supervisor.spawn(name, arguments, READY_TIMEOUT);
            } catch (VmmSupervisor.VmmStartException e) {
                registry.updateState(name, VmState.crashed, e.getMessage(), null, null);
                throw new ApiException(500, "vm '" + name + "' failed to start: " + e.getMessage());
            } catch (IOException e) {
                throw new ApiException(500, "cannot start the VMM for vm '" + name + "': " + e.getMessage());
            }
            String pidStart = vmm.info().startInstant().map(Instant::toString).orElse(null);
            registry.updateState(name, VmState.running, "started", vmm.pid(), pidStart);
            if (!vmm.isAlive()) vmmEnded(name, vmm.pid()); // ended between spawn and the registry update
            return info(name);
        }
    }

    /** Asks the guest to shut down; powers off after {@code timeout} (the daemon's stop timeout when null). */
    public VmInfo stop(String name, Duration timeout) {
        synchronized (lock(name)) {
            VmRecord vm = requireActive(name, "stop");
            ProcessHandle vmm = ProcessHandle.of(vm.pid()).orElse(null);
            stopping.add(name);
            boolean accepted = false;
            try {
                accepted = supervisor.control(name, Operation.stop).path("accepted").asBoolean(false);
            } catch (IOException e) {
                // no answer: fall through to poweroff
            }
            Duration wait = timeout == null ? config.stopTimeout() : timeout;
            if (vmm != null && accepted && VmmSupervisor.awaitExit(vmm, wait)) {
                waitForState(name);
                return info(name);
            }
            VmInfo info = powerOffLocked(name, vmm);
            // Say which happened: the stop asked and waited, or could not ask at all.
            String why = accepted ? "powered off: the guest did not shut down within " + wait.toSeconds() + " s"
                    : "powered off: the guest cannot hear a shutdown request (no power-button driver)";
            synchronized (registry) {
                if (registry.findVm(name).map(v -> v.state() == VmState.stopped).orElse(false)) {
                    registry.updateState(name, VmState.stopped, why, null, null);
                }
            }
            return info(name);
        }
    }

    public VmInfo powerOff(String name) {
        synchronized (lock(name)) {
            VmRecord vm = requireActive(name, "power off");
            return powerOffLocked(name, ProcessHandle.of(vm.pid()).orElse(null));
        }
    }

    private VmInfo powerOffLocked(String name, ProcessHandle vmm) {
        stopping.add(name);
        try {
            supervisor.control(name, Operation.poweroff);
        } catch (IOException e) {
            // the VMM does not answer: kill it below
        }
        if (vmm != null && !VmmSupervisor.awaitExit(vmm, POWEROFF_GRACE)) {
            vmm.destroyForcibly();
            VmmSupervisor.awaitExit(vmm, POWEROFF_GRACE);
        }
        waitForState(name);
        return info(name);
    }

    public VmInfo pause(String name) { return control(name, Operation.pause, VmState.running, VmState.paused); }

    public VmInfo resume(String name) { return control(name, Operation.resume, VmState.paused, VmState.running); }

    public VmInfo reboot(String name) {
        synchronized (lock(name)) {
            requireActive(name, "reboot");
            send(name, Operation.reboot);
            return info(name);
        }
    }

    private VmInfo control(String name, Operation op, VmState from, VmState to) {
        synchronized (lock(name)) {
            VmRecord vm = find(name);
            if (vm.state() != from) {
                String hint = vm.state() == VmState.paused ? "resume it first" : vm.state().active() ? "" : "start it first";
                throw ApiException.conflict("vm '" + name + "' is " + vm.state() + "; only a " + from + " vm can be " + op + "d"
                        + (hint.isEmpty() ? "" : "; " + hint));
            }
            send(name, op);
            registry.updateState(name, to, op + "d", vm.pid(), vm.pidStart());
            return info(name);
        }
    }

    private void send(String name, Operation op) {
        try {
            JsonNode reply = supervisor.control(name, op);
            if (!reply.path("ok").asBoolean(false)) throw ApiException.conflict(reply.path("error").asText(op + " failed"));
        } catch (IOException e) {
            throw new ApiException(503, "the VMM of vm '" + name + "' does not answer (" + e.getMessage() + "); try vireo vm poweroff " + name);
        }
    }

    private VmRecord requireActive(String name, String verb) {
        VmRecord vm = find(name);
        if (!vm.state().active()) throw ApiException.conflict("vm '" + name + "' is " + vm.state() + "; there is nothing to " + verb + " (start it with vireo vm start " + name + ")");
        return vm;
    }

    /** Called once when the VMM process {@code pid} of {@code name} has ended. */
    void vmmEnded(String name, long pid) {
        // Not the VM's lock: stop/poweroff hold it while they wait for this very call.
        synchronized (registry) {
            Optional<VmRecord> vm = registry.findVm(name);
            if (vm.isEmpty() || vm.get().pid() == null || vm.get().pid() != pid) return;
            VmmSupervisor.Ended ended = supervisor.ended(name, pid);
            boolean intended = stopping.remove(name);
            VmState state = ended.clean() || intended ? VmState.stopped : VmState.crashed;
            String reason = intended && !ended.clean() ? "powered off (" + ended.reason() + ")" : ended.reason();
            registry.updateState(name, state, reason, null, null);
        }
    }

    private void waitForState(String name) {
        long deadline = System.nanoTime() + POWEROFF_GRACE.toNanos();
        while (System.nanoTime() < deadline && registry.findVm(name).map(v -> v.state().active()).orElse(false)) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    // ---- daemon start

    /** Reattaches to VMMs that outlived the previous daemon, marks the others, then starts autostart VMs. */
    public void recover() {
        for (VmRecord vm : registry.listVms()) {
            if (!vm.state().active()) continue;
            synchronized (lock(vm.name())) {
                if (vm.pid() != null && supervisor.reattach(vm.name(), vm.pid(), vm.pidStart()).isPresent()) continue;
                VmmSupervisor.Ended ended = vm.pid() == null ? new VmmSupervisor.Ended(false, "no VMM process recorded")
                        : supervisor.ended(vm.name(), vm.pid());
                registry.updateState(vm.name(), ended.clean() ? VmState.stopped : VmState.crashed,
                        ended.clean() ? ended.reason() : "the VMM ended while the daemon was not running: " + ended.reason(), null, null);
            }
        }
        for (VmRecord vm : registry.listVms()) {
            if (vm.autostart() && !vm.state().active()) {
                try {
                    start(vm.name());
                } catch (RuntimeException e) {
                    System.err.println("vireod: autostart of vm '" + vm.name() + "' failed: " + e.getMessage());
                }
            }
        }
    }

    // ---- helpers

    /** The arguments of {@code vireo run} for this VM (the VMM builds the machine from them). */
    List<String> runArguments(VmRecord vm) {
        List<String> a = new ArrayList<>(List.of("--cpus", Integer.toString(vm.cpus()), "--memory", (vm.memoryBytes() >> 20) + "M"));
        if (vm.firmware() != null) a.addAll(List.of("--bios", vm.firmware()));
        if (vm.kernel() != null) a.addAll(List.of("--kernel", vm.kernel()));
        if (vm.initrd() != null) a.addAll(List.of("--initrd", vm.initrd()));
        if (vm.append() != null) a.addAll(List.of("--append", vm.append()));
        for (String disk : vm.disks()) a.addAll(List.of("--disk", disks.resolve(disk)));
        for (String nic : networks.resolve(vm.name(), vm.nics())) a.addAll(List.of("--nic", nic));
        return a;
    }

    private static String hostFile(String option, String file) {
        if (file == null) return null;
        Path path = Path.of(file);
        if (!path.isAbsolute()) throw ApiException.badRequest(option + " " + file + " must be an absolute path on the daemon's host");
        if (!Files.isRegularFile(path)) throw ApiException.badRequest(option + " " + file + " does not exist or is not a file; check the path");
        return path.normalize().toString();
    }

    private Object lock(String name) { return locks.computeIfAbsent(name, n -> new Object()); }
}
