package dev.vireo.daemon.disk;

import dev.vireo.daemon.ApiException;
import dev.vireo.daemon.Names;
import dev.vireo.daemon.Sizes;
import dev.vireo.daemon.VireoHome;
import dev.vireo.daemon.registry.DiskRecord;
import dev.vireo.daemon.registry.Registry;
import dev.vireo.daemon.registry.VmRecord;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Volumes in VIREO_HOME/disks: created, listed, resized and deleted by name, and resolved in
 * a VM's {@code --disk} specs (a first field without '/' names a volume). Raw volumes are
 * sparse files unless {@code thick}; qcow2 volumes need vireo-image's qcow2 writer.
 */
public final class DiskManager {
    private static final int ZERO_CHUNK = 1 << 20;

    private final VireoHome home;
    private final Registry registry;

    public DiskManager(VireoHome home, Registry registry) {
        this.home = home;
        this.registry = registry;
    }

    /** The body of {@code POST /api/disks}. */
    public record DiskSpec(String name, String size, String format, Boolean thick) {}

    public DiskRecord create(DiskSpec spec) {
        String name = Names.check("disk", spec.name());
        long size = Sizes.parse("disk size", spec.size());
        if (size % 512 != 0) throw ApiException.badRequest("disk size " + spec.size() + " is not a multiple of 512 bytes; round it (e.g. 1G)");
        String format = spec.format() == null ? "raw" : spec.format().toLowerCase(Locale.ROOT);
        if (!format.equals("raw") && !format.equals("qcow2")) throw ApiException.badRequest("disk format '" + spec.format() + "' is unknown; use raw or qcow2");
        if (registry.findDisk(name).isPresent()) throw ApiException.conflict("disk '" + name + "' already exists; choose another name or delete it first");
        Path path = home.disks().resolve(name);
        if (Files.exists(path)) throw ApiException.conflict("a file " + path + " exists but is not a registered disk; move it away or choose another name");
        if (format.equals("qcow2")) {
            VolumeFiles.createQcow2(path, size, Boolean.TRUE.equals(spec.thick()));
        } else try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
            if (Boolean.TRUE.equals(spec.thick())) {
                byte[] zeros = new byte[ZERO_CHUNK];
                for (long written = 0; written < size; written += ZERO_CHUNK) file.write(zeros, 0, (int) Math.min(ZERO_CHUNK, size - written));
            } else {
                file.setLength(size);
            }
        } catch (IOException e) {
            deleteQuietly(path);
            throw new ApiException(500, "cannot create disk '" + name + "' at " + path + ": " + e.getMessage() + "; check free space in VIREO_HOME");
        }
        DiskRecord disk = new DiskRecord(name, format, size, path.toString(), null, false, Instant.now());
        registry.insertDisk(disk);
        return disk;
    }

    public List<DiskRecord> list() { return registry.listDisks(); }

    public DiskRecord find(String name) {
        Names.check("disk", name);
        return registry.findDisk(name).orElseThrow(() -> ApiException.notFound("disk '" + name + "' does not exist; see vireo disk list"));
    }

    public void delete(String name) {
        DiskRecord disk = find(name);
        String user = userOf(name);
        if (user != null) throw ApiException.conflict("disk '" + name + "' is used by vm '" + user + "'; delete the vm (vireo vm delete " + user + ") or remove the disk from it first");
        checkNotABase(name);
        deleteQuietly(Path.of(disk.path()));
        registry.deleteDisk(name);
    }

    public DiskRecord resize(String name, String newSize) {
        DiskRecord disk = find(name);
        long size = Sizes.parse("disk size", newSize);
        if (size < disk.sizeBytes()) throw ApiException.badRequest("disk '" + name + "' is " + Sizes.format(disk.sizeBytes()) + "; shrinking would lose data, give a larger size");
        if (size % 512 != 0) throw ApiException.badRequest("disk size " + newSize + " is not a multiple of 512 bytes; round it (e.g. 2G)");
        String user = userOf(name);
        if (user != null && registry.findVm(user).map(v -> v.state().active()).orElse(false)) {
            throw ApiException.conflict("disk '" + name + "' is in use by running vm '" + user + "'; stop it first");
        }
        if (disk.readOnly()) throw ApiException.conflict("disk '" + name + "' is a read-only base (of a template or linked clone); resize the clones instead");
        if (disk.format().equals("qcow2")) {
            VolumeFiles.resizeQcow2(Path.of(disk.path()), size);
            registry.setDiskSize(name, size);
            return find(name);
        }
        try (RandomAccessFile file = new RandomAccessFile(disk.path(), "rw")) {
            file.setLength(size);
        } catch (IOException e) {
            throw new ApiException(500, "cannot resize disk '" + name + "': " + e.getMessage());
        }
        registry.setDiskSize(name, size);
        return find(name);
    }

    /**
     * The {@code --disk} spec with a volume name replaced by its path; host paths pass through
     * (they must be absolute). Throws 400 for a volume that does not exist.
     */
    public String resolve(String spec) {
        String first = firstField(spec);
        String rest = spec.substring(Math.min(spec.length(), rawLength(spec)));
        if (first.contains("/")) {
            if (!first.startsWith("/")) throw ApiException.badRequest("--disk " + spec + ": give a volume name or an absolute path");
            return spec;
        }
        Names.check("disk", first);
        DiskRecord disk = registry.findDisk(first).orElseThrow(() ->
                ApiException.badRequest("--disk " + spec + ": disk '" + first + "' does not exist; create it with vireo disk create " + first + " SIZE"));
        String options = rest.isEmpty() ? ",format=" + disk.format() : rest + (rest.contains("format=") ? "" : ",format=" + disk.format());
        return disk.path().replace(",", ",,") + options + (disk.readOnly() && !options.contains("readonly=") ? ",readonly=on" : "");
    }

    /** Deletes {@code spec}'s volume when it is a volume no other VM uses. */
    public void deleteIfOwned(String spec, String vm) {
        String first = firstField(spec);
        if (first.contains("/") || registry.findDisk(first).isEmpty()) return;
        String user = registry.listVms().stream().filter(v -> !v.name().equals(vm))
                .filter(v -> v.disks().stream().anyMatch(d -> firstField(d).equals(first))).map(VmRecord::name).findFirst().orElse(null);
        if (user != null) throw ApiException.conflict("disk '" + first + "' is also used by vm '" + user + "'; delete without --disks, or remove it from '" + user + "' first");
        checkNotABase(first);
        deleteQuietly(Path.of(registry.findDisk(first).get().path()));
        registry.deleteDisk(first);
    }

    /** A qcow2 overlay {@code name} over {@code base} (linked clones, template instances). */
    public DiskRecord createOverlay(String name, DiskRecord base) {
        Names.check("disk", name);
        if (registry.findDisk(name).isPresent()) throw ApiException.conflict("disk '" + name + "' already exists; delete it or choose another vm name");
        Path path = home.disks().resolve(name);
        VolumeFiles.createOverlay(path, Path.of(base.path()), base.format(), base.sizeBytes());
        DiskRecord disk = new DiskRecord(name, "qcow2", base.sizeBytes(), path.toString(), base.name(), false, Instant.now());
        registry.insertDisk(disk);
        return disk;
    }

    /** A full copy {@code name} of {@code source} (same format and backing). */
    public DiskRecord copy(String name, DiskRecord source) {
        Names.check("disk", name);
        if (registry.findDisk(name).isPresent()) throw ApiException.conflict("disk '" + name + "' already exists; delete it or choose another vm name");
        Path path = home.disks().resolve(name);
        try {
            Files.copy(Path.of(source.path()), path);
        } catch (IOException e) {
            deleteQuietly(path);
            throw new ApiException(500, "cannot copy disk '" + source.name() + "' to " + path + ": " + e.getMessage() + "; check free space in VIREO_HOME");
        }
        DiskRecord disk = new DiskRecord(name, source.format(), source.sizeBytes(), path.toString(), source.backing(), false, Instant.now());
        registry.insertDisk(disk);
        return disk;
    }

    /**
     * Freezes {@code volume} as a read-only base for linked clones: its file becomes the base
     * volume {@code NAME.baseN}, and {@code volume} becomes a qcow2 overlay over it, so the VM
     * that uses it sees the same data and the base never changes again.
     */
    public DiskRecord freezeAsBase(DiskRecord volume) {
        if (volume.readOnly()) return volume;
        String baseName = volume.name() + ".base";
        for (int i = 2; registry.findDisk(baseName).isPresent(); i++) baseName = volume.name() + ".base" + i;
        Names.check("disk", baseName);
        Path basePath = home.disks().resolve(baseName);
        try {
            Files.move(Path.of(volume.path()), basePath);
        } catch (IOException e) {
            throw new ApiException(500, "cannot freeze disk '" + volume.name() + "': " + e.getMessage());
        }
        DiskRecord base = new DiskRecord(baseName, volume.format(), volume.sizeBytes(), basePath.toString(), volume.backing(), true, Instant.now());
        registry.insertDisk(base);
        VolumeFiles.createOverlay(Path.of(volume.path()), basePath, base.format(), base.sizeBytes());
        registry.updateDisk(new DiskRecord(volume.name(), "qcow2", volume.sizeBytes(), volume.path(), baseName, false, volume.createdAt()));
        return base;
    }

    /** Marks a volume read-only (a template's base). */
    public void markReadOnly(DiskRecord volume) {
        registry.updateDisk(new DiskRecord(volume.name(), volume.format(), volume.sizeBytes(), volume.path(), volume.backing(), true, volume.createdAt()));
    }

    private void checkNotABase(String name) {
        registry.listDisks().stream().filter(d -> name.equals(d.backing())).findFirst().ifPresent(d -> {
            throw ApiException.conflict("disk '" + name + "' is the base of disk '" + d.name() + "'; delete that disk (or its vm) first");
        });
        registry.listTemplates().forEach((template, definition) -> {
            if (definition.contains("\"" + name + "\"")) {
                throw ApiException.conflict("disk '" + name + "' is a base of template '" + template + "'; delete the template first");
            }
        });
    }

    private String userOf(String disk) {
        return registry.listVms().stream().filter(v -> v.disks().stream().anyMatch(d -> firstField(d).equals(disk)))
                .map(VmRecord::name).findFirst().orElse(null);
    }

    /** The path or volume name of a {@code --disk} spec (",," is an escaped comma). */
    public static String firstField(String spec) {
        return spec.substring(0, rawLength(spec)).replace(",,", ",");
    }

    private static int rawLength(String spec) {
        int i = 0;
        while (i < spec.length()) {
            if (spec.charAt(i) == ',') {
                if (i + 1 < spec.length() && spec.charAt(i + 1) == ',') {
                    i += 2;
                    continue;
                }
                return i;
            }
            i++;
        }
        return i;
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // the registry entry goes anyway; a stray file is harmless
        }
    }
}
