package dev.vireo.kvm;

import dev.vireo.kvm.KvmMachine.EndReason;
import dev.vireo.kvm.KvmMachine.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Linux boot path end to end on KVM, without Linux: a synthetic bzImage whose 64-bit entry
 * (load address + 0x200) is a tiny program that checks what the boot protocol promises (RSI →
 * boot_params with the RSDP, three e820 entries, the initrd) and prints the command line from
 * cmd_line_ptr, then resets. Only vCPU 0 starts; vCPU 1 waits for INIT/SIPI inside KVM_RUN and
 * must still be stopped cleanly when the VM ends.
 */
@RequiresKvm
@Timeout(60)
class FakeLinuxBootTest {
    @TempDir
    Path dir;

    private static final String PAYLOAD = """
                .code64
                .global _start
            _start:
                .org 0x200
            entry64:
                mov $0x3f8, %dx
                cmpq $0xe0000, 0x70(%rsi)      # acpi_rsdp_addr
                jne fail
                cmpb $3, 0x1e8(%rsi)           # e820_entries
                jne fail
                cmpl $5, 0x21c(%rsi)           # ramdisk_size
                jne fail
                mov 0x218(%rsi), %ebx          # ramdisk_image
                cmpb $'Q', (%rbx)
                jne fail
                mov 0x228(%rsi), %ebx          # cmd_line_ptr
            1:  mov (%rbx), %al
                test %al, %al
                jz done
                out %al, %dx
                inc %rbx
                jmp 1b
            fail:
                mov $'!', %al
                out %al, %dx
            done:
                mov $0xfe, %al
                out %al, $0x64
            2:  jmp 2b
            """;

    private Path bzImage(String payloadSource) throws Exception {
        Path elf = GuestAssembler.build(dir, "fake-linux", payloadSource);
        Path bin = dir.resolve("fake-linux.bin");
        Process p = new ProcessBuilder("objcopy", "-O", "binary", elf.toString(), bin.toString()).inheritIO().start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).isTrue();
        byte[] payload = Files.readAllBytes(bin);
        byte[] image = new byte[1024 + payload.length];
        ByteBuffer h = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        h.put(0x1F1, (byte) 1).putShort(0x1FE, (short) 0xAA55).put(0x201, (byte) 0x6A).putInt(0x202, 0x53726448)
                .putShort(0x206, (short) 0x020F).put(0x211, (byte) 1).putInt(0x22C, 0x37FF_FFFF)
                .putShort(0x236, (short) 1).putInt(0x238, 2048).putInt(0x260, 1 << 20);
        System.arraycopy(payload, 0, image, 1024, payload.length);
        return Files.write(dir.resolve("bzImage"), image);
    }

    @Test
    void bzImageEntersAt64BitEntryWithBootParamsWhileSecondVcpuWaitsForSipi() throws Exception {
        Path initrd = Files.writeString(dir.resolve("initrd"), "QUACK");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        KvmMachineConfig config = KvmMachineConfig.of(bzImage(PAYLOAD), 32L << 20, 2)
                .withLinux(Optional.of(initrd), "console=ttyS0 quiet")
                .withMmioDevices(List.of(new KvmMachineConfig.MmioSlot(0xD000_0000L, 0x200, 5, (m, l) -> new dev.vireo.machine.bus.MmioDevice() {
                    @Override
                    public long read(long offset, int size) { return 0; }

                    @Override
                    public void write(long offset, int size, long value) { }
                })))
                .withConsole(console, null);

        Outcome outcome = KvmMachine.boot(config);

        assertThat(outcome.reason()).as(outcome.detail()).isEqualTo(EndReason.RESET);
        assertThat(console.toString()).isEqualTo("console=ttyS0 quiet virtio_mmio.device=512@0xd0000000:5");
    }

    private static final String STARTS_AP = """
                .code64
                .global _start
            _start:
                .org 0x200
            entry64:
                mov $0x10000, %rdi              # copy the real-mode trampoline below 1 MiB
                lea tramp(%rip), %rsi
                mov $(tramp_end - tramp), %ecx
                rep movsb
                mov $0xfee00000, %rbx
                movl $0x1ff, 0xf0(%rbx)         # LAPIC software enable
                movl $0x01000000, 0x310(%rbx)   # ICR destination: APIC 1
                movl $0x00004500, 0x300(%rbx)   # INIT
                movl $0x01000000, 0x310(%rbx)
                movl $0x00004610, 0x300(%rbx)   # STARTUP, vector 0x10 (0x10000)
            1:  cmpb $1, 0x11000
                jne 1b
                mov $0x3f8, %dx
                mov $'B', %al
                out %al, %dx
                mov $0xfe, %al
                out %al, $0x64
            2:  jmp 2b
            tramp:
                .code16
                mov $0x3f8, %dx
                mov $'A', %al
                out %al, %dx
                movb $1, %cs:0x1000
            3:  hlt
                jmp 3b
                .code64
            tramp_end:
            """;

    @Test
    void bootVcpuStartsTheSecondWithInitAndSipiAsLinuxDoes() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        KvmMachineConfig config = KvmMachineConfig.of(bzImage(STARTS_AP), 32L << 20, 2).withConsole(console, null);

        Outcome outcome = KvmMachine.boot(config);

        assertThat(outcome.reason()).as(outcome.detail()).isEqualTo(EndReason.RESET);
        assertThat(console.toString()).isEqualTo("AB");
    }
}
