package dev.vireo.daemon.disk;

import dev.vireo.daemon.ApiException;
import dev.vireo.daemon.Names;
import dev.vireo.daemon.registry.DiskRecord;
import dev.vireo.daemon.registry.Registry;
import dev.vireo.daemon.registry.VmRecord;
import dev.vireo.image.qcow2.Snapshot;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Disk snapshots of a stopped VM: one qcow2 internal snapshot of the same name in each of its
 * volumes, taken, reverted and deleted together. Every volume must be qcow2 (raw files and
 * host paths have no place to keep one); the caller holds the VM's lock and checks it is stopped.
 */
public final class DiskSnapshots {
    /** One snapshot of one volume. */
    public record SnapshotInfo(String name, String disk, String id, String date, long diskSize) {}

    private final Registry registry;

    public DiskSnapshots(Registry registry) { this.registry = registry; }

    public List<SnapshotInfo> list(VmRecord vm) {
        List<SnapshotInfo> all = new ArrayList<>();
        for (DiskRecord disk : volumes(vm)) {
            for (Snapshot s : VolumeFiles.snapshots(Path.of(disk.path()))) {
                all.add(new SnapshotInfo(s.name(), disk.name(), s.id(), Instant.ofEpochSecond(s.dateSeconds(), s.dateNanos()).toString(), s.diskSize()));
            }
        }
        return all;
    }

    public void create(VmRecord vm, String name) {
        Names.check("snapshot", name);
        List<DiskRecord> disks = volumes(vm);
        for (DiskRecord disk : disks) {
            if (has(disk, name)) throw ApiException.conflict("vm '" + vm.name() + "' already has a snapshot '" + name + "' (disk '" + disk.name() + "'); choose another name or delete it first");
        }
        for (DiskRecord disk : disks) VolumeFiles.withSnapshots(Path.of(disk.path()), "create snapshot '" + name + "'", s -> s.create(name));
    }

    public void revert(VmRecord vm, String name) {
        List<DiskRecord> disks = requireEverywhere(vm, name);
        for (DiskRecord disk : disks) VolumeFiles.withSnapshots(Path.of(disk.path()), "revert to snapshot '" + name + "'", s -> s.apply(name));
    }

    public void delete(VmRecord vm, String name) {
        List<DiskRecord> disks = requireEverywhere(vm, name);
        for (DiskRecord disk : disks) VolumeFiles.withSnapshots(Path.of(disk.path()), "delete snapshot '" + name + "'", s -> s.delete(name));
    }

    private List<DiskRecord> requireEverywhere(VmRecord vm, String name) {
        Names.check("snapshot", name);
        List<DiskRecord> disks = volumes(vm);
        for (DiskRecord disk : disks) {
            if (!has(disk, name)) throw ApiException.notFound("vm '" + vm.name() + "' has no snapshot '" + name + "' on disk '" + disk.name() + "'; see vireo snapshot list " + vm.name());
        }
        return disks;
    }

    private static boolean has(DiskRecord disk, String name) {
        return VolumeFiles.snapshots(Path.of(disk.path())).stream().anyMatch(s -> s.name().equals(name));
    }

    /** The VM's volumes, all qcow2; a 409 that says why otherwise. */
    private List<DiskRecord> volumes(VmRecord vm) {
        if (vm.state().active()) throw ApiException.conflict("vm '" + vm.name() + "' is " + vm.state() + "; stop it first (snapshots are of a stopped vm's disks)");
        List<DiskRecord> disks = new ArrayList<>();
        for (String spec : vm.disks()) {
            String first = DiskManager.firstField(spec);
            DiskRecord disk = first.contains("/") ? null : registry.findDisk(first).orElse(null);
            if (disk == null) throw ApiException.conflict("disk " + first + " of vm '" + vm.name() + "' is not a volume; snapshots work on volumes (vireo disk create … --format qcow2)");
            if (!disk.format().equals("qcow2")) throw ApiException.conflict("disk '" + disk.name() + "' of vm '" + vm.name() + "' is " + disk.format() + "; snapshots need qcow2 volumes (vireo disk create NAME SIZE --format qcow2)");
            disks.add(disk);
        }
        if (disks.isEmpty()) throw ApiException.conflict("vm '" + vm.name() + "' has no disks to snapshot; attach a qcow2 volume with --disk");
        return disks;
    }
}
