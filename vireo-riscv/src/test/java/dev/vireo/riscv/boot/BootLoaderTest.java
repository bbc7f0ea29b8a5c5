package dev.vireo.riscv.boot;

import dev.vireo.machine.memory.GuestMemory;
import dev.vireo.riscv.MachineException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BootLoaderTest {
    static final long RAM = 0x8000_0000L;
    @TempDir Path dir;
    private GuestMemory ram;
    private final long[] initrdSeen = new long[2];

    @AfterEach
    void close() {
        if (ram != null) ram.close();
    }

    private byte[] fdt(long start, long end) {
        initrdSeen[0] = start;
        initrdSeen[1] = end;
        return new byte[] {(byte) 0xd0, 0x0d, (byte) 0xfe, (byte) 0xed, 1, 2, 3, 4};
    }

    private Path file(String name, byte[] bytes) throws Exception {
        return Files.write(dir.resolve(name), bytes);
    }

    @Test
    void placesFirmwareKernelInitrdAndDeviceTreeAsQemuVirt() throws Exception {
        ram = GuestMemory.allocate(RAM, 512L << 20);
        Path firmware = file("fw_dynamic.bin", new byte[] {0x13, 0, 0, 0, 0x6f, 0, 0, 0});
        Path kernel = file("Image", TestImages.linuxImage(8192, 0x40_0000));
        Path initrd = file("initrd", "070701 cpio".getBytes());
        BootLoader.Plan plan = BootLoader.load(ram, new Firmware.File(firmware), kernel, initrd, this::fdt);

        assertThat(plan.entry()).isEqualTo(RAM);
        assertThat(plan.kernelEntry()).isEqualTo(0x8020_0000L);
        assertThat(plan.initrdStart()).isEqualTo(0x8020_0000L + (128L << 20));
        assertThat(plan.initrdEnd()).isEqualTo(plan.initrdStart() + 11);
        assertThat(initrdSeen).containsExactly(plan.initrdStart(), plan.initrdEnd());
        assertThat(plan.fdtAddress()).isEqualTo(0x9FE0_0000L);
        assertThat(ram.readInt(RAM)).isEqualTo(0x13);
        assertThat(ram.readInt(0x8020_0000L + 56)).isEqualTo(0x05435352);
        assertThat(ram.readByte(plan.initrdStart())).isEqualTo((byte) '0');
        assertThat(ram.readInt(plan.fdtAddress())).isEqualTo(0xedfe0dd0);
    }

    @Test
    void smallRamPutsTheInitrdHalfwayIn() throws Exception {
        ram = GuestMemory.allocate(RAM, 64L << 20);
        Path kernel = file("Image", TestImages.linuxImage(4096, 0x10_0000));
        BootLoader.Plan plan = BootLoader.load(ram, new Firmware.File(file("fw", new byte[16])), kernel,
                file("initrd", new byte[100]), this::fdt);
        assertThat(plan.initrdStart()).isEqualTo(0x8020_0000L + (32L << 20));
        assertThat(plan.fdtAddress()).isEqualTo(0x83E0_0000L);
    }

    @Test
    void kernelLargerThanRamIsAOneLineErrorAskingForMemory() throws Exception {
        ram = GuestMemory.allocate(RAM, 16L << 20);
        Path kernel = file("Image", TestImages.linuxImage(4096, 64L << 20));
        assertThatThrownBy(() -> BootLoader.load(ram, new Firmware.File(file("fw", new byte[16])), kernel, null, this::fdt))
                .isInstanceOf(MachineException.class)
                .hasMessageContaining("kernel '" + kernel + "' needs guest memory up to 0x84200000")
                .hasMessageContaining("raise --memory");
    }

    @Test
    void initrdThatDoesNotFitIsReported() throws Exception {
        ram = GuestMemory.allocate(RAM, 16L << 20);
        Path kernel = file("Image", TestImages.linuxImage(4096, 0x10_0000));
        Path initrd = file("big.cpio", new byte[12 << 20]);
        assertThatThrownBy(() -> BootLoader.load(ram, new Firmware.File(file("fw", new byte[16])), kernel, initrd, this::fdt))
                .hasMessageContaining("initrd '" + initrd + "'").hasMessageContaining("raise --memory");
    }

    @Test
    void bareMetalElfLoadsAtItsAddressesWithBssCleared() throws Exception {
        ram = GuestMemory.allocate(RAM, 32L << 20);
        ram.writeLong(0x8000_1004L, -1L); // stale data where the bss will be
        Path kernel = file("kernel.elf", TestImages.elf(0x8000_1000L, new byte[] {0x73, 0, 0x50, 0x10}, 16));
        BootLoader.Plan plan = BootLoader.load(ram, new Firmware.None(), kernel, null, this::fdt);
        assertThat(plan.entry()).isEqualTo(0x8000_1000L);
        assertThat(ram.readInt(0x8000_1000L)).isEqualTo(0x10500073);
        assertThat(ram.readLong(0x8000_1004L)).isZero();
        assertThat(plan.fdtAddress()).isEqualTo(0x81E0_0000L);
    }

    @Test
    void bareMetalRejectsALinuxImageAndElfsOutsideRam() throws Exception {
        ram = GuestMemory.allocate(RAM, 32L << 20);
        Path image = file("Image", TestImages.linuxImage(4096, 4096));
        assertThatThrownBy(() -> BootLoader.load(ram, new Firmware.None(), image, null, this::fdt))
                .hasMessageContaining("is a Linux Image, which needs SBI firmware");
        Path low = file("low.elf", TestImages.elf(0x1000, new byte[4], 0));
        assertThatThrownBy(() -> BootLoader.load(ram, new Firmware.None(), low, null, this::fdt))
                .hasMessageContaining("outside RAM");
    }

    @Test
    void missingFilesAreNamed() {
        ram = GuestMemory.allocate(RAM, 32L << 20);
        assertThatThrownBy(() -> BootLoader.load(ram, new Firmware.None(), dir.resolve("nope"), null, this::fdt))
                .hasMessage("kernel file '" + dir.resolve("nope") + "' does not exist");
    }
}
