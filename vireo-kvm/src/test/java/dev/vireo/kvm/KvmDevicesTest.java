package dev.vireo.kvm;

import dev.vireo.kvm.KvmMachine.EndReason;
import dev.vireo.kvm.KvmMachine.Outcome;
import dev.vireo.machine.bus.MmioDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Guests talking to devices on the buses: an MMIO device in the MMIO gap, the UART's receiver. */
@RequiresKvm
@Timeout(60)
class KvmDevicesTest {
    @TempDir
    Path dir;

    @Test
    void mmioAccessesInTheMmioGapReachTheRegisteredDevice() throws Exception {
        List<String> accesses = new CopyOnWriteArrayList<>();
        MmioDevice device = new MmioDevice() {
            @Override
            public long read(long offset, int size) {
                accesses.add(String.format("read %x/%d", offset, size));
                return 'V';
            }

            @Override
            public void write(long offset, int size, long value) {
                accesses.add(String.format("write %x/%d=%x", offset, size, value));
            }
        };
        Path guest = GuestAssembler.build(dir, "mmio-device", GuestAssembler.DROP_TO_USER + """
                user:
                    mov $0xd0000000, %rbx
                    movl $0x12345678, 0x50(%rbx)
                    movzbl 0x70(%rbx), %eax
                    mov $0x3f8, %dx
                    out %al, %dx
                    mov $0xfe, %al
                    out %al, $0x64
                """);
        ByteArrayOutputStream console = new ByteArrayOutputStream();

        Outcome outcome = KvmMachine.boot(KvmMachineConfig.of(guest, 8L << 20, 1)
                .withConsole(console, null)
                .withMmioDevices(List.of(new KvmMachineConfig.MmioSlot(0xD000_0000L, 0x1000, 5, (memory, line) -> device))));

        assertThat(outcome.reason()).as(outcome.detail()).isEqualTo(EndReason.RESET);
        assertThat(accesses).containsExactly("write 50/4=12345678", "read 70/1");
        assertThat(console.toString()).isEqualTo("V");
    }

    @Test
    void guestEchoesConsoleInputReadByPollingTheUart() throws Exception {
        // Poll LSR.DR, read RBR, echo it upper-cased (ASCII letters) until '\n', then reset.
        Path guest = GuestAssembler.build(dir, "echo", GuestAssembler.DROP_TO_USER + """
                user:
                    mov $0x3fd, %dx
                1:  in %dx, %al
                    test $1, %al
                    jz 1b
                    mov $0x3f8, %dx
                    in %dx, %al
                    cmp $'a', %al
                    jb 2f
                    sub $0x20, %al
                2:  out %al, %dx
                    cmp $'\\n', %al
                    mov $0x3fd, %dx
                    jne 1b
                    mov $0xfe, %al
                    out %al, $0x64
                """);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        ByteArrayInputStream input = new ByteArrayInputStream("hello kvm\n".getBytes(StandardCharsets.US_ASCII));

        Outcome outcome = KvmMachine.boot(KvmMachineConfig.of(guest, 8L << 20, 1).withConsole(console, input));

        assertThat(outcome.reason()).as(outcome.detail()).isEqualTo(EndReason.RESET);
        assertThat(console.toString()).isEqualTo("HELLO KVM\n");
    }
}
