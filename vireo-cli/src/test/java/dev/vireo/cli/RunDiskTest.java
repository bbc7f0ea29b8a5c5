package dev.vireo.cli;

import dev.vireo.image.CreateOptions;
import dev.vireo.image.DiskImage;
import dev.vireo.image.DiskImages;
import dev.vireo.image.OpenOptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default guest's own virtio_blk and virtio_rng drivers against Vireo's devices, through
 * {@code vireo run --disk}: raw block reads and writes, GET_ID, flush, a read-only disk, the
 * entropy source, and qcow2 data that survives a second boot.
 */
@Tag("guest")
class RunDiskTest {
    @TempDir
    Path dir;

    @Test
    void guestReadsWritesAndIdentifiesDisksAndDrawsEntropy() throws Exception {
        byte[] image = new byte[8 << 20];
        byte[] signature = "VIREO-DISK-SIGNATURE".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(signature, 0, image, 0, signature.length);
        Path vda = Files.write(dir.resolve("vda.img"), image);
        Path vdb = Files.write(dir.resolve("vdb.img"), new byte[1 << 20]);
        String out = GuestDisks.boot("head -c 20 /dev/vda; echo; echo SIZE=$(cat /sys/block/vda/size) SERIAL=$(cat /sys/block/vda/serial);"
                        + " echo GUEST-WROTE-THIS | dd of=/dev/vda bs=512 seek=2 conv=sync,fsync 2>/dev/null;"
                        + " echo RO=$(cat /sys/block/vdb/ro); dd if=/dev/zero of=/dev/vdb bs=512 count=1 conv=fsync 2>/dev/null || echo VDB-WRITE-FAILED;"
                        + " echo RNG=$(cat /sys/devices/virtual/misc/hw_random/rng_current) BYTES=$(head -c 64 /dev/hwrng | wc -c)",
                vda + ",format=raw", vdb + ",readonly=on");
        assertThat(out).contains("VIREO-DISK-SIGNATURE", "SIZE=16384 SERIAL=vireo-vda", "RO=1", "VDB-WRITE-FAILED",
                "RNG=virtio_rng.0 BYTES=64");
        byte[] sector2 = Arrays.copyOfRange(Files.readAllBytes(vda), 1024, 1024 + 17);
        assertThat(new String(sector2, StandardCharsets.US_ASCII)).isEqualTo("GUEST-WROTE-THIS\n");
        assertThat(Files.readAllBytes(vdb)).isEqualTo(new byte[1 << 20]);
    }

    @Test
    void qcow2DataWrittenInOneBootIsReadInTheNext() throws Exception {
        // The default initramfs carries no file-system modules (ext4 is a module in Debian's
        // kernel), so persistence is checked on the raw block device, through qcow2. The first
        // boot writes with cache=none (O_DIRECT), the second reads through the page cache.
        Path disk = dir.resolve("data.qcow2");
        DiskImages.create(disk, CreateOptions.qcow2(64 << 20));
        GuestDisks.boot("echo persisted-by-vireo | dd of=/dev/vda bs=4096 seek=1000 conv=sync,fsync 2>/dev/null && echo WROTE",
                disk + ",format=qcow2,cache=none");
        String out = GuestDisks.boot("echo READ=$(dd if=/dev/vda bs=4096 skip=1000 count=1 2>/dev/null | head -c 18)", disk.toString());
        assertThat(out).contains("READ=persisted-by-vireo");
        try (DiskImage image = DiskImages.open(disk, OpenOptions.probe(true))) {
            byte[] back = new byte[18];
            image.read(4096L * 1000, back, 0, back.length);
            assertThat(new String(back, StandardCharsets.US_ASCII)).isEqualTo("persisted-by-vireo");
        }
    }
}
