package dev.vireo.kvm;

import dev.vireo.image.DiskImage;
import dev.vireo.image.DiskImages;
import dev.vireo.image.ImageFormat;
import dev.vireo.image.OpenOptions;
import dev.vireo.kvm.KvmMachine.EndReason;
import dev.vireo.kvm.KvmMachine.Outcome;
import dev.vireo.kvm.KvmMachineConfig.MmioSlot;
import dev.vireo.kvm.devices.VirtioMmioSlots;
import dev.vireo.machine.bus.MmioDevice;
import dev.vireo.machine.virtio.blk.BlockConfig;
import dev.vireo.machine.virtio.mmio.VirtioMmioTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A virtio-blk disk on the KVM machine, driven by a tiny driver in the guest (virtio 1.2 §3.1.1
 * and §5.2.6, split ring, polled, no interrupts). All of the driver runs at CPL3, which the
 * page tables allow to touch the MMIO gap and RAM; kernel mode is only the 7-instruction
 * {@link GuestAssembler#DROP_TO_USER} prologue. The driver checks the transport's magic,
 * version and device ID, negotiates VERSION_1 alone, sets up queue 0 (4 entries) in guest RAM,
 * writes a 512-byte pattern to sector 5, reads sector 5 back into another buffer, compares,
 * says the result on COM1 and resets the machine.
 */
@RequiresKvm
@Timeout(60)
class KvmVirtioBlockTest {
    private static final long MEMORY = 16L << 20;
    private static final int SECTOR = 5;

    /** SECTOR_NUMBER and READ_BUFFER are replaced: the sector, and the real buffer, or an address outside RAM for the malformed chain. */
    private static final String DRIVER = GuestAssembler.DROP_TO_USER + """
                .set MMIO, 0xd0000000
                .set QSIZE, 4
                .set DESC, 0x200000
                .set AVAIL, 0x201000
                .set USED, 0x202000
                .set HEADER, 0x203000
                .set WBUF, 0x204000
                .set RBUF, 0x205000
                .set STATUS, 0x206000
                .set SECTOR, SECTOR_NUMBER
            user:
                mov $MMIO, %rbx
                mov $'M', %r15b
                cmpl $0x74726976, (%rbx)      # MagicValue "virt"
                jne fail
                mov $'V', %r15b
                cmpl $2, 4(%rbx)              # Version 2 (no legacy)
                jne fail
                mov $'D', %r15b
                cmpl $2, 8(%rbx)              # DeviceID 2: block
                jne fail
                movl $0, 0x70(%rbx)           # Status: reset
                movl $1, 0x70(%rbx)           # ACKNOWLEDGE
                movl $3, 0x70(%rbx)           # DRIVER
                movl $1, 0x24(%rbx)           # DriverFeaturesSel 1
                movl $1, 0x20(%rbx)           # bit 32: VERSION_1
                movl $0, 0x24(%rbx)
                movl $0, 0x20(%rbx)           # nothing from bits 0..31
                movl $0xb, 0x70(%rbx)         # FEATURES_OK
                mov $'F', %r15b
                testl $8, 0x70(%rbx)          # still set: the device accepted
                jz fail
                movl $0, 0x30(%rbx)           # QueueSel 0
                mov $'Q', %r15b
                cmpl $QSIZE, 0x34(%rbx)       # QueueNumMax
                jb fail
                movl $QSIZE, 0x38(%rbx)       # QueueNum
                movl $DESC, 0x80(%rbx)
                movl $0, 0x84(%rbx)
                movl $AVAIL, 0x90(%rbx)
                movl $0, 0x94(%rbx)
                movl $USED, 0xa0(%rbx)
                movl $0, 0xa4(%rbx)
                movl $1, 0x44(%rbx)           # QueueReady
                movl $0xf, 0x70(%rbx)         # DRIVER_OK
                mov $'S', %r15b
                testl $0x40, 0x70(%rbx)       # DEVICE_NEEDS_RESET?
                jnz fail
                mov $WBUF, %rdi               # pattern: byte i = i*13 + i/256 + 0x5a
                xor %ecx, %ecx
            1:  imul $13, %ecx, %eax
                mov %ecx, %edx
                shr $8, %edx
                add %edx, %eax
                add $0x5a, %eax
                mov %al, (%rdi,%rcx)
                inc %ecx
                cmp $512, %ecx
                jne 1b
                mov $1, %eax                  # VIRTIO_BLK_T_OUT
                mov $WBUF, %r8
                mov $1, %r9d                  # data descriptor: NEXT, device reads it
                mov $'W', %r15b
                call submit
                mov $0, %eax                  # VIRTIO_BLK_T_IN
                mov $READ_BUFFER, %r8
                mov $3, %r9d                  # data descriptor: NEXT | WRITE
                mov $'R', %r15b
                call submit
                mov $'C', %r15b
                mov $WBUF, %rsi
                mov $RBUF, %rdi
                mov $512, %ecx
                repe cmpsb
                jne fail
                lea ok(%rip), %rsi
                call print
                jmp end

            # One request: header (type %eax, sector SECTOR), data %r8 (flags %r9w), status byte;
            # descriptors 0..2, published at the next avail slot; waits for the used index.
            submit:
                mov $HEADER, %rsi
                mov %eax, (%rsi)
                movl $0, 4(%rsi)
                movq $SECTOR, 8(%rsi)
                movb $0xff, STATUS
                mov $DESC, %rdi
                movq $HEADER, (%rdi)
                movl $16, 8(%rdi)
                movw $1, 12(%rdi)             # NEXT
                movw $1, 14(%rdi)
                mov %r8, 16(%rdi)
                movl $512, 24(%rdi)
                mov %r9w, 28(%rdi)
                movw $2, 30(%rdi)
                movq $STATUS, 32(%rdi)
                movl $1, 40(%rdi)
                movw $2, 44(%rdi)             # WRITE
                movw $0, 46(%rdi)
                mov $AVAIL, %rsi
                movzwl 2(%rsi), %eax         # avail idx
                mov %eax, %ecx
                and $QSIZE-1, %ecx
                movw $0, 4(%rsi,%rcx,2)      # ring[idx % QSIZE] = head 0
                inc %eax
                mov %ax, 2(%rsi)             # publish (x86 keeps stores in order)
                movl $0, 0x50(%rbx)           # QueueNotify 0
                mov $USED, %rsi
            2:  pause
                testl $0x40, 0x70(%rbx)       # the device gave up on us
                jnz needs_reset
                cmp 2(%rsi), %ax             # used idx caught up?
                jne 2b
                cmpb $0, STATUS                # VIRTIO_BLK_S_OK
                jne fail
                ret

            needs_reset:
                lea reset_msg(%rip), %rsi
                call print
                movl $0, 0x70(%rbx)           # reset the device: it must come back
                mov $'Z', %r15b
                cmpl $0, 0x70(%rbx)
                jne fail
                lea alive(%rip), %rsi
                call print
                jmp end

            fail:
                lea bad(%rip), %rsi
                call print
                mov %r15b, %al
                out %al, %dx
                mov $10, %al
                out %al, %dx
            end:
                mov $0xfe, %al
                out %al, $0x64
            3:  jmp 3b

            print:
                mov $0x3f8, %dx
            4:  lodsb
                test %al, %al
                jz 5f
                out %al, %dx
                jmp 4b
            5:  ret

            ok:        .asciz "blk ok\\n"
            bad:       .asciz "blk bad "
            reset_msg: .asciz "blk needs reset\\n"
            alive:     .asciz "device reset, vm alive\\n"
            """;

    @TempDir
    Path dir;

    private record Run(String console, Outcome outcome, boolean neededReset) {}

    private Run run(String readBuffer, Path image) throws Exception {
        Path guest = GuestAssembler.build(dir, "blk", DRIVER.replace("SECTOR_NUMBER", Integer.toString(SECTOR)).replace("READ_BUFFER", readBuffer));
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        AtomicReference<VirtioMmioTransport> transport = new AtomicReference<>();
        try (DiskImage disk = DiskImages.open(image, OpenOptions.of(ImageFormat.RAW, false))) {
            MmioSlot slot = VirtioMmioSlots.block(0, BlockConfig.of("vda", false), disk);
            MmioSlot observed = new MmioSlot(slot.base(), slot.size(), slot.irq(), (memory, line) -> {
                MmioDevice device = slot.factory().create(memory, line);
                transport.set((VirtioMmioTransport) device);
                return device;
            });
            KvmMachineConfig config = KvmMachineConfig.of(guest, MEMORY, 1).withConsole(console, null)
                    .withMmioDevices(List.of(observed));
            Outcome outcome;
            boolean neededReset;
            try (KvmMachine machine = KvmMachine.start(config)) {
                outcome = machine.awaitEnd(30_000).orElseThrow(() -> new AssertionError("guest hung; console: " + console));
                neededReset = transport.get().needsReset();
            }
            return new Run(console.toString(), outcome, neededReset);
        }
    }

    private static byte[] pattern() {
        byte[] p = new byte[512];
        for (int i = 0; i < p.length; i++) p[i] = (byte) (i * 13 + (i >> 8) + 0x5a);
        return p;
    }

    private Path blankImage() throws Exception {
        Path image = dir.resolve("disk.raw");
        Files.write(image, new byte[1 << 20]);
        return image;
    }

    @Test
    void guestDriverWritesAndReadsBackASectorThroughVirtioBlk() throws Exception {
        Path image = blankImage();

        Run run = run("RBUF", image);

        assertThat(run.console()).isEqualTo("blk ok\n");
        assertThat(run.outcome().reason()).as(run.outcome().detail()).isEqualTo(EndReason.RESET);
        byte[] disk = Files.readAllBytes(image);
        assertThat(Arrays.copyOfRange(disk, SECTOR * 512, SECTOR * 512 + 512)).isEqualTo(pattern());
        assertThat(Arrays.copyOfRange(disk, 0, SECTOR * 512)).containsOnly(0);
        assertThat(Arrays.copyOfRange(disk, SECTOR * 512 + 512, disk.length)).containsOnly(0);
    }

    @Test
    void bufferOutsideRamPutsTheDeviceInNeedsResetWhileTheVmKeepsRunning() throws Exception {
        Path image = blankImage();

        // The READ's data descriptor points at 2 GiB, beyond the guest's 16 MiB of RAM.
        Run run = run("0x80000000", image);

        assertThat(run.console()).isEqualTo("blk needs reset\ndevice reset, vm alive\n");
        assertThat(run.outcome().reason()).as(run.outcome().detail()).isEqualTo(EndReason.RESET);
        assertThat(run.neededReset()).as("the guest reset the device again").isFalse();
        byte[] disk = Files.readAllBytes(image);
        assertThat(Arrays.copyOfRange(disk, SECTOR * 512, SECTOR * 512 + 512)).isEqualTo(pattern());
    }
}
