package dev.vireo.image;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** VMDK and VDI images made by qemu-img convert read back byte-exact. */
@Tag("interop")
class ImportInteropTest {
    @TempDir Path dir;

    @BeforeAll
    static void qemu() { QemuTool.assumeAvailable(); }

    @ParameterizedTest(name = "garbled {0} {1}")
    @CsvSource({"vmdk,subformat=monolithicSparse", "vmdk,subformat=streamOptimized", "vdi,static=off"})
    void garbledImportsFailOnlyWithImageException(String format, String options) throws Exception {
        Path raw = dir.resolve("src.raw"), pristine = dir.resolve("p." + format), image = dir.resolve("g." + format);
        byte[] data = new byte[1 << 20];
        new Random(4).nextBytes(data);
        Files.write(raw, data);
        QemuTool.ok("qemu-img", "convert", "-f", "raw", "-O", format, "-o", options, raw.toString(), pristine.toString());
        byte[] bytes = Files.readAllBytes(pristine);
        Random r = new Random(9);
        for (int round = 0; round < 200; round++) {
            byte[] copy = bytes.clone();
            int at = round % 2 == 0 ? r.nextInt(Math.min(copy.length, 2048)) : r.nextInt(copy.length);
            for (int k = 0; k < 1 + r.nextInt(8); k++) copy[Math.min(copy.length - 1, at + k)] = (byte) r.nextInt();
            Files.write(image, copy);
            try (DiskImage img = DiskImages.open(image, OpenOptions.of(ImageFormat.parse(format), true))) {
                byte[] all = new byte[(int) Math.min(img.size(), 4 << 20)];
                img.read(0, all, 0, all.length);
            } catch (ImageException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"vmdk,subformat=monolithicSparse,VMDK", "vmdk,subformat=streamOptimized,VMDK",
            "vdi,static=off,VDI", "vdi,static=on,VDI"})
    void readsWhatQemuImgWrites(String format, String options, ImageFormat expected) throws Exception {
        Path raw = dir.resolve("src.raw"), image = dir.resolve("img." + format);
        byte[] data = new byte[(5 << 20) + 4096];
        Random r = new Random(3);
        for (int i = 0; i < data.length; i += 65536) if (r.nextBoolean()) {
            byte[] chunk = new byte[r.nextInt(65536)];
            r.nextBytes(chunk);
            System.arraycopy(chunk, 0, data, i, Math.min(chunk.length, data.length - i));
        }
        Files.write(raw, data);
        QemuTool.ok("qemu-img", "convert", "-f", "raw", "-O", format, "-o", options, raw.toString(), image.toString());
        byte[] oracle = QemuTool.asRaw(image, dir.resolve("oracle.raw"));
        assertThat(DiskImages.probe(image)).isEqualTo(expected);
        try (DiskImage img = DiskImages.open(image, OpenOptions.probe(true))) {
            assertThat(img.size()).isEqualTo(oracle.length);
            assertThat(QemuTool.readAll(img)).isEqualTo(oracle);
            assertThat(java.util.Arrays.copyOf(QemuTool.readAll(img), data.length)).isEqualTo(data);
        }
    }
}
