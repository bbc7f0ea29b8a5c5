package dev.vireo.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static dev.vireo.cli.CliTest.vireo;
import static dev.vireo.cli.DaemonApiTest.ok;
import static dev.vireo.cli.GuestDisks.assertCleanFileSystem;
import static dev.vireo.cli.GuestDisks.assertNoCorruption;
import static dev.vireo.cli.GuestDisks.boot;
import static dev.vireo.cli.GuestDisks.hostOk;
import static dev.vireo.cli.GuestDisks.sha256;
import static dev.vireo.cli.GuestDisks.sums;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * File systems on virtio-blk, as a user would see them: the default guest makes an ext2 file
 * system on /dev/vda (busybox mke2fs), writes files, syncs and powers off; a second boot
 * mounts it and reads them back. The host's e2fsck and debugfs check the result from outside,
 * and a linked clone boots from a template image that must stay bit-identical.
 */
@Tag("guest")
class RunFileSystemTest {
    private static final String FILES = "dir/random small numbers";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"qcow2", "raw"})
    void filesWrittenToAGuestMadeExt2AreReadBackInTheNextBoot(String format) throws Exception {
        Path disk = dir.resolve("data." + format);
        ok(vireo("img", "create", "-q", "-f", format, disk.toString(), "64M"));
        String spec = disk + ",format=" + format;
        String first = boot("ls /dev/vda && mke2fs -F /dev/vda >/dev/null && mkdir -p /mnt && mount -t ext2 /dev/vda /mnt"
                + " && mkdir /mnt/dir && head -c 3000000 /dev/urandom > /mnt/dir/random"
                + " && dd if=/dev/urandom of=/mnt/small bs=1000 count=3 2>/dev/null && seq 1 20000 > /mnt/numbers"
                + " && sync && (cd /mnt && sha256sum " + FILES + ") | sed 's/^/WROTE /' && umount /mnt", spec);
        Map<String, String> wrote = sums(first, "WROTE");
        assertThat(wrote).as(VireoProcess.tail(first)).containsOnlyKeys("dir/random", "small", "numbers");

        // From outside: the image is clean, the file system too, and debugfs finds the same bytes.
        if (format.equals("qcow2")) assertNoCorruption(disk);
        assertCleanFileSystem(disk, dir.resolve("check.raw"));
        Path raw = dir.resolve("view.raw");
        hostOk("/usr/bin/qemu-img", "convert", "-O", "raw", disk.toString(), raw.toString());
        Path dumped = dir.resolve("random.out");
        hostOk("/usr/sbin/debugfs", "-R", "dump /dir/random " + dumped, raw.toString());
        assertThat(sha256(dumped)).isEqualTo(wrote.get("dir/random"));

        String second = boot("mkdir -p /mnt && mount -t ext2 /dev/vda /mnt && (cd /mnt && sha256sum " + FILES
                + ") | sed 's/^/READ /' && umount /mnt", spec);
        assertThat(sums(second, "READ")).as(VireoProcess.tail(second)).isEqualTo(wrote);
    }

    @Test
    void aLinkedCloneBootsFromATemplateThatStaysBitIdentical() throws Exception {
        // The template: an ext4 file system made on the host (mke2fs -d) with known files,
        // converted to qcow2 by vireo img.
        Path tree = Files.createDirectories(dir.resolve("tree/etc"));
        byte[] blob = new byte[2 << 20];
        new Random(42).nextBytes(blob);
        Files.write(dir.resolve("tree/blob"), blob);
        Files.writeString(tree.resolve("motd"), "from the template\n");
        Path raw = dir.resolve("template.raw");
        hostOk("/usr/sbin/mke2fs", "-q", "-t", "ext4", "-d", dir.resolve("tree").toString(), raw.toString(), "32M");
        Path template = dir.resolve("template.qcow2");
        ok(vireo("img", "convert", "-O", "qcow2", raw.toString(), template.toString()));
        String templateHash = sha256(template);
        Path clone = dir.resolve("clone.qcow2");
        ok(vireo("img", "create", "-q", "-f", "qcow2", "-b", template.toString(), "-F", "qcow2", clone.toString()));

        String first = boot("mkdir -p /mnt && mount -t ext4 /dev/vda /mnt && (cd /mnt && sha256sum blob etc/motd) | sed 's/^/BASE /'"
                + " && echo clone-was-here > /mnt/etc/clone && rm /mnt/etc/motd && sync && umount /mnt", clone.toString());
        assertThat(sums(first, "BASE")).as(VireoProcess.tail(first)).containsEntry("blob", sha256(dir.resolve("tree/blob")))
                .containsEntry("etc/motd", sha256(tree.resolve("motd")));

        String second = boot("mkdir -p /mnt && mount -t ext4 /dev/vda /mnt && (cd /mnt && sha256sum blob) | sed 's/^/AGAIN /'"
                + " && echo CLONE=$(cat /mnt/etc/clone) MOTD=$(ls /mnt/etc/motd 2>&1 | grep -c 'No such') && umount /mnt", clone.toString());
        assertThat(sums(second, "AGAIN")).containsEntry("blob", sha256(dir.resolve("tree/blob")));
        assertThat(second).contains("CLONE=clone-was-here MOTD=1");

        assertThat(sha256(template)).as("the template must not change").isEqualTo(templateHash);
        assertNoCorruption(clone);
        assertCleanFileSystem(clone, dir.resolve("clone.raw"));
        // The template still holds the file the clone deleted.
        Path templateView = dir.resolve("template-view.raw");
        hostOk("/usr/bin/qemu-img", "convert", "-O", "raw", template.toString(), templateView.toString());
        Path motd = dir.resolve("motd.out");
        hostOk("/usr/sbin/debugfs", "-R", "dump /etc/motd " + motd, templateView.toString());
        assertThat(Files.readString(motd)).isEqualTo("from the template\n");
    }
}
