package dev.vireo.daemon.disk;

import dev.vireo.daemon.ApiException;
import dev.vireo.image.CreateOptions;
import dev.vireo.image.DiskImages;
import dev.vireo.image.ImageFormat;
import dev.vireo.image.OpenOptions;
import dev.vireo.image.Preallocation;
import dev.vireo.image.qcow2.Qcow2Image;
import dev.vireo.image.qcow2.Qcow2Snapshots;
import dev.vireo.image.qcow2.Snapshot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The volume-file operations the daemon needs from vireo-image: qcow2 creation (plain or over a
 * backing file, stored relative to VIREO_HOME/disks so the home can move), growth, and
 * internal snapshots. Failures become 500s naming the file.
 */
final class VolumeFiles {
    private VolumeFiles() {}

    static void createQcow2(Path path, long size, boolean thick) {
        CreateOptions options = CreateOptions.qcow2(size).withPreallocation(thick ? Preallocation.FALLOC : Preallocation.OFF);
        run("create " + path, () -> DiskImages.create(path, options));
    }

    /** A qcow2 overlay at {@code path} whose backing file is {@code base} (same directory). */
    static void createOverlay(Path path, Path base, String baseFormat, long size) {
        run("create overlay " + path, () -> DiskImages.create(path,
                CreateOptions.qcow2(size).withBacking(base.getFileName().toString(), ImageFormat.parse(baseFormat))));
    }

    static void resizeQcow2(Path path, long size) {
        run("resize " + path, () -> {
            try (Qcow2Image image = Qcow2Image.open(path, OpenOptions.of(ImageFormat.QCOW2, false))) {
                image.resize(size);
                image.flush();
            }
        });
    }

    static List<Snapshot> snapshots(Path path) {
        return call("list snapshots of " + path, () -> {
            try (Qcow2Image image = Qcow2Image.open(path, OpenOptions.of(ImageFormat.QCOW2, true))) {
                return new Qcow2Snapshots(image).list();
            }
        });
    }

    /** Runs {@code op} on the snapshots of the qcow2 file at {@code path}, opened read-write. */
    static void withSnapshots(Path path, String what, SnapshotOp op) {
        run(what + " in " + path, () -> {
            try (Qcow2Image image = Qcow2Image.open(path, OpenOptions.of(ImageFormat.QCOW2, false))) {
                op.apply(new Qcow2Snapshots(image));
                image.flush();
            }
        });
    }

    interface SnapshotOp { void apply(Qcow2Snapshots snapshots) throws IOException; }

    private interface IoAction { void run() throws IOException; }

    private interface IoCall<T> { T call() throws IOException; }

    private static void run(String what, IoAction action) {
        call(what, () -> {
            action.run();
            return null;
        });
    }

    private static <T> T call(String what, IoCall<T> call) {
        try {
            return call.call();
        } catch (IOException e) {
            throw new ApiException(500, "cannot " + what + ": " + e.getMessage() + "; check the file with vireo img check");
        }
    }
}
