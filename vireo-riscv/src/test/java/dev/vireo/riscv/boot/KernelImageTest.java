package dev.vireo.riscv.boot;

import dev.vireo.riscv.MachineException;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class KernelImageTest {
    @Test
    void parsesTheHeaderFields() {
        KernelImage image = KernelImage.parse("Image", TestImages.linuxImage(4096, 0x10000));
        assertThat(image.textOffset()).isEqualTo(0x200000);
        assertThat(image.imageSize()).isEqualTo(0x10000);
        assertThat(image.version()).isEqualTo(2);
    }

    @Test
    void rejectsAFileWithoutTheMagicNamingIt() {
        assertThatThrownBy(() -> KernelImage.parse("notes.txt", "hello world".repeat(10).getBytes()))
                .isInstanceOf(MachineException.class)
                .hasMessageContaining("'notes.txt' is not a RISC-V Linux Image");
    }

    @Test
    void rejectsAnImageLargerThanItsDeclaredSize() {
        assertThatThrownBy(() -> KernelImage.parse("Image", TestImages.linuxImage(8192, 4096)))
                .hasMessageContaining("corrupt");
    }

    @Test
    void readsDebiansKernelWhenPresent() throws Exception {
        Path kernel;
        try (var files = Files.list(Path.of("/tmp/g/boot"))) {
            kernel = files.filter(p -> p.getFileName().toString().startsWith("vmlinux-")).findFirst().orElse(null);
        } catch (java.io.IOException e) {
            kernel = null;
        }
        assumeTrue(kernel != null, "no Debian riscv64 kernel unpacked in /tmp/g/boot");
        byte[] bytes = Files.readAllBytes(kernel);
        KernelImage image = KernelImage.parse(kernel.toString(), bytes);
        assertThat(image.textOffset()).isEqualTo(0x200000);
        assertThat(image.imageSize()).isGreaterThanOrEqualTo(bytes.length);
    }
}
