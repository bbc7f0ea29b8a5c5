package dev.vireo.kvm;

import dev.vireo.kvm.KvmMachine.EndReason;
import dev.vireo.kvm.KvmMachine.Outcome;
import dev.vireo.machine.hypervisor.VmExit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

@RequiresKvm
@Timeout(60)
class KvmMachineTest {
    private static final long MEMORY = 16L << 20;

    @TempDir
    Path dir;

    @Test
    void elfGuestPrintsHelloOverTheUartFromUserModeAndEndsWithReset() throws Exception {
        Path guest = GuestAssembler.build(dir, "hello", GuestAssembler.DROP_TO_USER + """
                user:
                    lea msg(%rip), %rsi
                    mov $0x3f8, %dx
                1:  lodsb
                    test %al, %al
                    jz 2f
                    out %al, %dx
                    jmp 1b
                2:  mov $0xfe, %al
                    out %al, $0x64
                3:  jmp 3b
                msg: .asciz "hello\\n"
                """);
        ByteArrayOutputStream console = new ByteArrayOutputStream();

        Outcome outcome = KvmMachine.boot(KvmMachineConfig.of(guest, MEMORY, 1).withConsole(console, null));

        assertThat(console.toString()).isEqualTo("hello\n");
        assertThat(outcome.reason()).as(outcome.detail()).isEqualTo(EndReason.RESET);
    }

    @Test
    void resetThroughI8042FromKernelModeEndsTheVm() throws Exception {
        Path guest = GuestAssembler.build(dir, "reset", """
                    .code64
                    .global _start
                _start:
                    mov $0xfe, %al
                    out %al, $0x64
                1:  jmp 1b
                """);

        assertThat(KvmMachine.boot(KvmMachineConfig.of(guest, MEMORY, 1)).reason()).isEqualTo(EndReason.RESET);
    }

    @Test
    void acpiSleepControlWritePowersOff() throws Exception {
        Path guest = GuestAssembler.build(dir, "poweroff", GuestAssembler.DROP_TO_USER + """
                user:
                    mov $0x3c0, %dx
                    mov $0x34, %al
                    out %al, %dx
                1:  jmp 1b
                """);

        Outcome outcome = KvmMachine.boot(KvmMachineConfig.of(guest, MEMORY, 1));

        assertThat(outcome.reason()).as(outcome.detail()).isEqualTo(EndReason.POWER_OFF);
    }

    @Test
    void writeToUnbackedAddressIsReportedAsAnMmioExit() throws Exception {
        Path guest = GuestAssembler.build(dir, "mmio", GuestAssembler.DROP_TO_USER + """
                user:
                    mov $0x20000000, %rbx
                    movl $0xcafe, (%rbx)
                    mov (%rbx), %ecx
                    mov %cl, %al
                    out %al, $0x80
                    mov $0xfe, %al
                    out %al, $0x64
                1:  jmp 1b
                """);
        List<VmExit> exits = new CopyOnWriteArrayList<>();

        Outcome outcome = KvmMachine.boot(KvmMachineConfig.of(guest, MEMORY, 1).withExitObserver(exits::add));

        assertThat(outcome.reason()).as(outcome.detail()).isEqualTo(EndReason.RESET);
        assertThat(exits).containsExactly(
                new VmExit.UnhandledMmio(0x2000_0000L, 4, true, 0xcafe),
                new VmExit.UnhandledMmio(0x2000_0000L, 4, false, -1),
                new VmExit.UnhandledPio(0x80, 1, true, 0xff));
    }

    @Test
    void tripleFaultEndsTheVmWithARegisterDump() throws Exception {
        // hlt at CPL3 is a #GP; with no IDT that becomes a triple fault.
        Path guest = GuestAssembler.build(dir, "fault", GuestAssembler.DROP_TO_USER + """
                user:
                    hlt
                """);

        Outcome outcome = KvmMachine.boot(KvmMachineConfig.of(guest, MEMORY, 1));

        assertThat(outcome.reason()).as(outcome.detail()).isEqualTo(EndReason.SHUTDOWN);
        assertThat(outcome.detail()).contains("triple fault").contains("rip");
    }
}
