package dev.vireo.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hostile bare-metal guest against virtio-blk through {@code vireo run}: it posts a
 * descriptor chain that loops on itself, sees DEVICE_NEEDS_RESET with a configuration-change
 * interrupt (virtio 1.2 §2.1.2), resets the device, asks for the disk's serial (GET_ID) on
 * fresh rings and powers off. The VMM survives and reports the bad chain on one line.
 */
@Tag("guest")
class RunHostileGuestTest {
    @TempDir Path dir;

    private static final String PROGRAM = """
            .equ UART, 0x10000000
            .equ TEST, 0x100000
            .equ BLK,  0x10001000
            .equ Q1,   0x80100000
            .equ Q2,   0x80110000
            .equ BUF,  0x80120000
            .section .text
            .globl _start
            _start:
                csrr  t0, mhartid
                bnez  t0, park
                li    s0, BLK
                lw    t0, 0(s0)
                li    t1, 0x74726976
                bne   t0, t1, fail
                lw    t0, 8(s0)
                li    t1, 2
                bne   t0, t1, fail
                la    a0, found
                call  puts

                # Queue 0 on rings at Q1; descriptor 0 says NEXT = 0: a loop.
                li    a0, Q1
                call  setup
                li    t2, Q1
                li    t1, BUF
                sd    t1, 0(t2)
                li    t0, 16
                sw    t0, 8(t2)
                li    t0, 1
                sh    t0, 12(t2)
                sh    zero, 14(t2)
                li    t2, Q1 + 0x1000
                sh    zero, 4(t2)
                fence
                li    t0, 1
                sh    t0, 2(t2)
                fence
                sw    zero, 0x50(s0)
                li    t3, 200000000
            1:  lw    t0, 0x70(s0)
                andi  t0, t0, 64
                bnez  t0, 2f
                addi  t3, t3, -1
                bnez  t3, 1b
                j     fail
            2:  lw    t0, 0x60(s0)
                andi  t0, t0, 2
                beqz  t0, fail
                la    a0, needsreset
                call  puts

                # Reset, then a well-formed GET_ID on fresh rings at Q2.
                sw    zero, 0x70(s0)
                lw    t0, 0x70(s0)
                bnez  t0, fail
                li    a0, Q2
                call  setup
                li    t1, BUF
                li    t0, 8
                sw    t0, 0(t1)
                sw    zero, 4(t1)
                sd    zero, 8(t1)
                li    t0, 0xff
                sb    t0, 0x200(t1)
                li    t2, Q2
                sd    t1, 0(t2)
                li    t0, 16
                sw    t0, 8(t2)
                li    t0, 1
                sh    t0, 12(t2)
                sh    t0, 14(t2)
                addi  t0, t1, 0x100
                sd    t0, 16(t2)
                li    t0, 20
                sw    t0, 24(t2)
                li    t0, 3
                sh    t0, 28(t2)
                li    t0, 2
                sh    t0, 30(t2)
                addi  t0, t1, 0x200
                sd    t0, 32(t2)
                li    t0, 1
                sw    t0, 40(t2)
                li    t0, 2
                sh    t0, 44(t2)
                sh    zero, 46(t2)
                li    t2, Q2 + 0x1000
                sh    zero, 4(t2)
                fence
                li    t0, 1
                sh    t0, 2(t2)
                fence
                sw    zero, 0x50(s0)
                li    t2, Q2 + 0x2000
                li    t3, 200000000
            3:  lhu   t0, 2(t2)
                bnez  t0, 4f
                addi  t3, t3, -1
                bnez  t3, 3b
                j     fail
            4:  fence
                li    t1, BUF
                lbu   t0, 0x200(t1)
                bnez  t0, fail
                addi  a0, t1, 0x100
                call  puts
                la    a0, newline
                call  puts
                li    t0, TEST
                li    t1, 0x5555
                sw    t1, 0(t0)
            park:
                wfi
                j     park
            fail:
                la    a0, failed
                call  puts
                li    t0, TEST
                li    t1, (1 << 16) | 0x3333
                sw    t1, 0(t0)
                j     park

            # setup(a0 = ring base): virtio 1.2 §3.1.1 with VERSION_1 only, queue 0 of 8 entries,
            # descriptor table at a0, driver ring at a0 + 0x1000, device ring at a0 + 0x2000.
            setup:
                li    t0, 1
                sw    t0, 0x70(s0)
                li    t0, 3
                sw    t0, 0x70(s0)
                li    t0, 1
                sw    t0, 0x24(s0)
                sw    t0, 0x20(s0)
                sw    zero, 0x24(s0)
                sw    zero, 0x20(s0)
                li    t0, 11
                sw    t0, 0x70(s0)
                lw    t0, 0x70(s0)
                andi  t0, t0, 8
                beqz  t0, fail
                sw    zero, 0x30(s0)
                li    t0, 8
                sw    t0, 0x38(s0)
                sw    a0, 0x80(s0)
                sw    zero, 0x84(s0)
                li    t1, 0x1000
                add   t0, a0, t1
                sw    t0, 0x90(s0)
                sw    zero, 0x94(s0)
                li    t1, 0x2000
                add   t0, a0, t1
                sw    t0, 0xa0(s0)
                sw    zero, 0xa4(s0)
                li    t0, 1
                sw    t0, 0x44(s0)
                li    t0, 15
                sw    t0, 0x70(s0)
                ret

            # puts(a0): polls LSR.THRE before each byte.
            puts:
                li    t0, UART
            5:  lbu   t1, 0(a0)
                beqz  t1, 7f
            6:  lbu   t2, 5(t0)
                andi  t2, t2, 0x20
                beqz  t2, 6b
                sb    t1, 0(t0)
                addi  a0, a0, 1
                j     5b
            7:  ret

            .section .rodata
            found:      .asciz "virtio-blk found\\n"
            needsreset: .asciz "needs reset\\n"
            newline:    .asciz "\\n"
            failed:     .asciz "FAILED\\n"
            """;

    @Test
    void loopingChainIsReportedAndResetRestoresTheDevice() throws Exception {
        Path elf = BareMetal.build(dir, "hostile", PROGRAM);
        Path disk = Files.write(dir.resolve("vda.img"), new byte[1 << 20]);
        try (VireoProcess vireo = VireoProcess.start("run", "--bios", "none", "--kernel", elf.toString(), "--memory", "64M",
                "--disk", disk + ",format=raw")) {
            int status = vireo.waitFor(RunBareMetalTest.TIMEOUT);
            assertThat(vireo.stdout()).as(vireo.stderr()).isEqualTo("virtio-blk found\nneeds reset\nvireo-vda\n");
            assertThat(status).as(vireo.stderr()).isZero();
            assertThat(vireo.stderr()).containsOnlyOnce("device needs reset")
                    .contains("vireo: WARNING: virtio-blk vda: device needs reset: queue 0: chain from head 0 is longer than the queue size 8 (loop?)");
        }
    }
}
