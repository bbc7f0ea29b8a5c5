package dev.vireo.daemon.vm;

import dev.vireo.daemon.ApiException;
import dev.vireo.daemon.Names;
import dev.vireo.daemon.Sizes;
import dev.vireo.daemon.api.Json;
import dev.vireo.daemon.disk.DiskManager;
import dev.vireo.daemon.registry.DiskRecord;
import dev.vireo.daemon.registry.Registry;
import dev.vireo.daemon.registry.VmRecord;
import dev.vireo.daemon.registry.VmState;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Clones and templates. A full clone copies each volume; a linked clone freezes each source
 * volume as a read-only base ({@link DiskManager#freezeAsBase}) and gives source and clone a
 * qcow2 overlay each. {@code template create} turns a stopped VM into a template (its volumes
 * become read-only bases, the VM definition moves to the template). Callers hold the source VM's lock.
 */
final class VmCopies {
    private final Registry registry;
    private final DiskManager disks;

    VmCopies(Registry registry, DiskManager disks) {
        this.registry = registry;
        this.disks = disks;
    }

    VmRecord clone(VmRecord source, String target, boolean linked) {
        Names.check("vm", target);
        if (source.state().active()) throw ApiException.conflict("vm '" + source.name() + "' is " + source.state() + "; stop it first to clone it");
        if (registry.findVm(target).isPresent()) throw ApiException.conflict("vm '" + target + "' already exists; choose another name or delete it first");
        List<DiskRecord> volumes = volumes(source, "clone");
        List<String> specs = new ArrayList<>();
        for (int i = 0; i < volumes.size(); i++) {
            DiskRecord volume = volumes.get(i);
            String name = target + "-disk" + i;
            DiskRecord copy = linked ? disks.createOverlay(name, disks.freezeAsBase(volume)) : disks.copy(name, volume);
            specs.add(copy.name() + options(source.disks().get(i)));
        }
        VmRecord clone = new VmRecord(target, source.cpus(), source.memoryBytes(), source.kernel(), source.initrd(), source.append(),
                source.firmware(), specs, source.nics(), false, VmState.stopped, (linked ? "linked clone of " : "clone of ") + source.name(),
                null, null, Instant.now());
        registry.insertVm(clone);
        return clone;
    }

    Template templateFrom(VmRecord vm, String templateName) {
        Names.check("template", templateName);
        if (vm.state().active()) throw ApiException.conflict("vm '" + vm.name() + "' is " + vm.state() + "; stop it first to make a template of it");
        if (registry.findTemplate(templateName).isPresent()) throw ApiException.conflict("template '" + templateName + "' already exists; choose another name (--name) or delete it first");
        List<String> bases = new ArrayList<>();
        for (DiskRecord volume : volumes(vm, "make a template of")) {
            disks.markReadOnly(volume);
            bases.add(volume.name());
        }
        Template template = new Template(templateName, vm.cpus(), vm.memoryBytes(), vm.kernel(), vm.initrd(), vm.append(),
                vm.firmware(), bases, vm.nics());
        registry.insertTemplate(templateName, Json.write(template));
        registry.deleteVm(vm.name());
        return template;
    }

    VmRecord fromTemplate(VmSpec spec) {
        String name = Names.check("vm", spec.name());
        Template template = template(spec.template());
        if (spec.kernel() != null || spec.firmware() != null) throw ApiException.badRequest("--from-template takes the kernel and firmware from template '" + template.name() + "'; drop --kernel/--firmware");
        if (registry.findVm(name).isPresent()) throw ApiException.conflict("vm '" + name + "' already exists; choose another name or delete it first");
        long memory = spec.memory() == null ? template.memoryBytes() : Sizes.parse("--memory", spec.memory());
        List<String> specs = new ArrayList<>();
        for (int i = 0; i < template.disks().size(); i++) {
            DiskRecord base = disks.find(template.disks().get(i));
            specs.add(disks.createOverlay(name + "-disk" + i, base).name());
        }
        if (spec.disks() != null) specs.addAll(spec.disks());
        VmRecord vm = new VmRecord(name, spec.cpus() == null ? template.cpus() : spec.cpus(), memory, template.kernel(), template.initrd(),
                spec.append() == null ? template.append() : spec.append(), template.firmware(), specs,
                spec.nics() == null || spec.nics().isEmpty() ? template.nics() : spec.nics(), Boolean.TRUE.equals(spec.autostart()),
                VmState.stopped, "from template " + template.name(), null, null, Instant.now());
        registry.insertVm(vm);
        return vm;
    }

    List<Template> templates() {
        List<Template> all = new ArrayList<>();
        for (Map.Entry<String, String> t : registry.listTemplates().entrySet()) all.add(parse(t.getValue()));
        return all;
    }

    Template template(String name) {
        Names.check("template", name);
        return parse(registry.findTemplate(name).orElseThrow(() -> ApiException.notFound("template '" + name + "' does not exist; see vireo template list")));
    }

    void deleteTemplate(String name) {
        Template template = template(name);
        registry.deleteTemplate(name);
        for (String base : template.disks()) {
            try {
                disks.delete(base);
            } catch (ApiException stillUsed) {
                // a linked clone still reads it: the base stays until that clone goes
            }
        }
    }

    private List<DiskRecord> volumes(VmRecord vm, String verb) {
        List<DiskRecord> volumes = new ArrayList<>();
        for (String spec : vm.disks()) {
            String first = DiskManager.firstField(spec);
            if (first.contains("/")) throw ApiException.conflict("disk " + first + " of vm '" + vm.name() + "' is a host file, not a volume; cannot " + verb + " it (import it as a volume first)");
            volumes.add(disks.find(first));
        }
        return volumes;
    }

    /** The options of a --disk spec after its first field, without format= (the copy may differ). */
    private static String options(String spec) {
        String first = spec.substring(0, Math.min(spec.length(), DiskManager.firstField(spec).length()));
        StringBuilder kept = new StringBuilder();
        for (String option : spec.substring(first.length()).split(",")) {
            if (!option.isEmpty() && !option.startsWith("format=")) kept.append(',').append(option);
        }
        return kept.toString();
    }

    private static Template parse(String json) {
        try {
            return Json.MAPPER.readValue(json, Template.class);
        } catch (IOException e) {
            throw new IllegalStateException("a template in the registry is unreadable: " + e.getMessage(), e);
        }
    }
}
