package dev.vireo.cli;

import dev.vireo.cli.CliTest.Run;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code vireo run --accel kvm|emulate|auto}: the kernel's header decides the guest architecture,
 * the CLI says on stderr which backend it chose, and a choice that cannot work is one line
 * saying what to do. Guests that boot run in a child JVM ({@link VireoProcess}: the console
 * reads stdin); the others in-process.
 */
class RunAccelTest {
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    @TempDir Path dir;

    @Test
    @Tag("guest")
    void kvmRunsAnX86ElfThatPrintsAndResetsWithExitZero() throws Exception {
        Path elf = X86Guest.build(dir, "hi", X86Guest.PRINT_THEN + X86Guest.RESET);
        try (VireoProcess vireo = VireoProcess.start("run", "--accel", "kvm", "--kernel", elf.toString(), "--memory", "16M")) {
            int status = vireo.waitFor(TIMEOUT);
            assertThat(vireo.stdout()).as(vireo.stderr()).isEqualTo("hi");
            assertThat(vireo.stderr()).isEqualTo("vireo: x86-64 guest, accel kvm\n");
            assertThat(status).isZero();
        }
    }

    @Test
    @Tag("guest")
    void autoPicksKvmForAnX86KernelAndSaysSo() throws Exception {
        Path elf = X86Guest.build(dir, "off", X86Guest.PRINT_THEN + X86Guest.POWER_OFF);
        try (VireoProcess vireo = VireoProcess.start("run", "--kernel", elf.toString(), "--memory", "16M")) {
            int status = vireo.waitFor(TIMEOUT);
            assertThat(vireo.stdout()).as(vireo.stderr()).isEqualTo("hi");
            assertThat(vireo.stderr()).isEqualTo("vireo: x86-64 guest, accel kvm\n");
            assertThat(status).isZero();
        }
    }

    @Test
    @Tag("guest")
    void kvmAttachesDisksAndTheEntropyDeviceAsVirtioMmioSlots() throws Exception {
        Path disk = Files.write(dir.resolve("disk.raw"), new byte[1 << 20]);
        // Device IDs of the first two virtio-mmio windows (0xD0000000, 0xD0001000): 2 block, 4 entropy.
        Path elf = X86Guest.build(dir, "ids", """
                    .code64
                    .global _start
                _start:
                    mov  $0xd0000000, %rbx
                    mov  $0x3f8, %dx
                    mov  8(%rbx), %eax
                    add  $'0', %al
                    out  %al, %dx
                    mov  0x1008(%rbx), %eax
                    add  $'0', %al
                    out  %al, %dx
                """ + X86Guest.RESET);
        try (VireoProcess vireo = VireoProcess.start("run", "--accel", "kvm", "--kernel", elf.toString(), "--memory", "16M",
                "--disk", disk + ",format=raw")) {
            int status = vireo.waitFor(TIMEOUT);
            assertThat(vireo.stdout()).as(vireo.stderr()).isEqualTo("24");
            assertThat(status).isZero();
        }
    }

    @Test
    void kvmWithARiscvKernelIsAUsageErrorSayingToEmulate() throws Exception {
        Path kernel = X86Guest.fakeElfHeader(dir, "rv.elf", 243);
        Run r = CliTest.vireo("run", "--accel", "kvm", "--kernel", kernel.toString());
        assertThat(r.exit()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).isEqualTo("vireo: --accel kvm runs x86-64 guests, but the kernel is riscv64; use --accel emulate\n");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void kvmWithARiscvImageIsRejectedBeforeTouchingKvm() throws Exception {
        byte[] image = new byte[0x100];
        image[0x38] = 'R'; image[0x39] = 'S'; image[0x3A] = 'C'; image[0x3B] = 0x05;
        Path kernel = Files.write(dir.resolve("Image"), image);
        Run r = CliTest.vireo("run", "--accel", "kvm", "--kernel", kernel.toString());
        assertThat(r.exit()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).contains("riscv64; use --accel emulate").hasLineCount(1).doesNotContain("Exception");
    }

    @Test
    void emulateWithAnX86KernelIsAUsageErrorSayingToUseKvm() throws Exception {
        Path kernel = X86Guest.fakeElfHeader(dir, "x86.elf", 62);
        Run r = CliTest.vireo("run", "--accel", "emulate", "--kernel", kernel.toString());
        assertThat(r.exit()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).isEqualTo("vireo: the emulator runs RISC-V guests, but the kernel is x86-64; use --accel kvm\n");
    }

    @Test
    void kvmWithAFileThatIsNotAKernelSaysWhatItExpected() throws Exception {
        Path kernel = Files.writeString(dir.resolve("notes.txt"), "not a kernel ".repeat(20));
        Run r = CliTest.vireo("run", "--accel", "kvm", "--kernel", kernel.toString());
        assertThat(r.exit()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).isEqualTo("vireo: " + kernel + ": not a kernel (expected an x86 bzImage, a RISC-V Image or an ELF64 file)\n");
    }

    @Test
    void unknownAcceleratorIsAUsageErrorNamingTheChoices() throws Exception {
        Path kernel = X86Guest.fakeElfHeader(dir, "x86.elf", 62);
        Run r = CliTest.vireo("run", "--accel", "foo", "--kernel", kernel.toString());
        assertThat(r.exit()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).contains("unknown accelerator 'foo': use kvm, emulate or auto").contains("--help")
                .doesNotContain("Exception");
    }

    @Test
    void autoPicksTheEmulatorForARiscvKernelAndSaysSo() throws Exception {
        Path kernel = X86Guest.fakeElfHeader(dir, "rv.elf", 243);
        // Too little memory stops the emulator before it boots: only the choice is under test.
        Run r = CliTest.vireo("run", "--bios", "none", "--kernel", kernel.toString(), "--memory", "4M");
        assertThat(r.err().lines().findFirst()).contains("vireo: riscv64 guest, accel emulate");
        assertThat(r.exit()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).contains("--memory 4M is too little");
    }

    @Test
    void biosWithAnX86KernelIsAUsageError() throws Exception {
        Path kernel = X86Guest.fakeElfHeader(dir, "x86.elf", 62);
        Path firmware = Files.write(dir.resolve("fw.bin"), new byte[64]);
        // Under auto the choice needs a usable /dev/kvm; where there is none the error says so instead.
        Run r = CliTest.vireo("run", "--kernel", kernel.toString(), "--bios", firmware.toString());
        assertThat(r.exit()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).satisfiesAnyOf(
                err -> assertThat(err).endsWith("vireo: --bios is for RISC-V guests; an x86-64 kernel boots without firmware: drop --bios\n"),
                err -> assertThat(err).contains("KVM is not usable"));
    }
}
