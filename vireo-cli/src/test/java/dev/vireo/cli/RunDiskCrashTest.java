package dev.vireo.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static dev.vireo.cli.CliTest.vireo;
import static dev.vireo.cli.DaemonApiTest.ok;
import static dev.vireo.cli.GuestDisks.assertCleanFileSystem;
import static dev.vireo.cli.GuestDisks.assertNoCorruption;
import static dev.vireo.cli.GuestDisks.boot;
import static dev.vireo.cli.GuestDisks.hostOk;
import static dev.vireo.cli.GuestDisks.start;
import static dev.vireo.cli.GuestDisks.sums;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of the VMM ({@code vireo run} in its own process) while the guest writes, allocates
 * and discards on a qcow2 disk as fast as it can: qemu-img check then finds no corruption
 * (leaked clusters allowed), the guest's ext4 mounts on the next boot (journal replay) with
 * the files synced before the kill intact, and the host's e2fsck finds the result clean.
 */
@Tag("guest")
class RunDiskCrashTest {
    @TempDir
    Path dir;

    @Test
    void killDashNineDuringHeavyWritesLeavesNoCorruption() throws Exception {
        Path raw = dir.resolve("fs.raw");
        hostOk("/usr/sbin/mke2fs", "-q", "-t", "ext4", raw.toString(), "256M");
        Path disk = dir.resolve("disk.qcow2");
        ok(vireo("img", "convert", "-O", "qcow2", raw.toString(), disk.toString()));
        String spec = disk + ",format=qcow2";

        // Files synced first; then 4 MiB files written in a loop, each fsynced so that the data
        // reaches the disk rather than the guest's page cache, the oldest deleted (mounted with
        // discard, so qcow2 clusters are freed and allocated again all the time).
        String command = "mkdir -p /mnt && mount -t ext4 -o discard /dev/vda /mnt && head -c 2000000 /dev/urandom > /mnt/before"
                + " && seq 1 50000 > /mnt/numbers && sync && (cd /mnt && sha256sum before numbers) | sed 's/^/SYNCED /'"
                + " && head -c 1048576 /dev/urandom > /tmp/r && i=0 && while :; do cat /tmp/r /tmp/r /tmp/r /tmp/r | dd of=/mnt/w$i bs=1M conv=fsync 2>/dev/null;"
                + " [ $i -ge 12 ] && rm /mnt/w$((i-12)); i=$((i+1)); echo HEAVY-$i; done";
        long sizeBefore = Files.size(disk);
        Map<String, String> synced;
        long delayMillis = ThreadLocalRandom.current().nextLong(500, 4000);
        try (VireoProcess vireo = start(command, spec)) {
            boolean writing = vireo.awaitStdout(out -> out.contains("HEAVY-6"), RunLinuxTest.BOOT_TIMEOUT);
            assertThat(writing).as(VireoProcess.tail(vireo.stdout()) + vireo.stderr()).isTrue();
            Thread.sleep(delayMillis);
            assertThat(vireo.isAlive()).isTrue();
            vireo.close(); // Process.destroyForcibly: SIGKILL
            vireo.waitFor(Duration.ofSeconds(30));
            synced = sums(vireo.stdout(), "SYNCED");
            assertThat(synced).as(VireoProcess.tail(vireo.stdout())).containsOnlyKeys("before", "numbers");
            assertThat(vireo.stdout()).doesNotContain("vireo-exec-status");
        }

        assertThat(Files.size(disk)).as("the heavy writes reached the image").isGreaterThan(sizeBefore + (16 << 20));
        String check = assertNoCorruption(disk);
        System.out.println("killed " + delayMillis + " ms into heavy writes; qemu-img check: " + check.strip().replace('\n', ' '));
        CliTest.Run own = vireo("img", "check", disk.toString());
        assertThat(own.exit()).as("vireo img check: " + own.out() + own.err()).isIn(0, 3);

        String after = boot("mkdir -p /mnt && mount -t ext4 /dev/vda /mnt && (cd /mnt && sha256sum before numbers) | sed 's/^/AFTER /'"
                + " && ls /mnt && umount /mnt", spec);
        assertThat(sums(after, "AFTER")).as(VireoProcess.tail(after)).isEqualTo(synced);
        assertThat(after).doesNotContain("EXT4-fs error");
        assertNoCorruption(disk);
        assertCleanFileSystem(disk, dir.resolve("check.raw"));
    }
}
