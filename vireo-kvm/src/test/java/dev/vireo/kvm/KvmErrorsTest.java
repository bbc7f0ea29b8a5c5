package dev.vireo.kvm;

import dev.vireo.kvm.boot.BootException;
import dev.vireo.kvm.sys.Kvm;
import dev.vireo.machine.memory.GuestMemory;
import dev.vireo.machine.nativeio.NativeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@RequiresKvm
@Timeout(120)
class KvmErrorsTest {
    private static final int EINVAL = 22, ENOTTY = 25;

    @TempDir
    Path dir;

    @Test
    void invalidMemorySlotBecomesNativeExceptionWithErrno() {
        try (GuestMemory memory = GuestMemory.allocate(0, 2 << 20); KvmVm vm = KvmVm.create(memory, 1)) {
            assertThatThrownBy(() -> vm.setMemoryRegion(0x7FFF, 0, 0x4000_0000L, 4096, memory.segment().address()))
                    .isInstanceOf(NativeException.class)
                    .hasMessageContaining("KVM_SET_USER_MEMORY_REGION(slot 32767")
                    .satisfies(e -> assertThat(((NativeException) e).errno()).isEqualTo(EINVAL));
        }
    }

    @Test
    void unknownIoctlIsReportedWithItsName() {
        try (GuestMemory memory = GuestMemory.allocate(0, 2 << 20); KvmVm vm = KvmVm.create(memory, 1)) {
            assertThatThrownBy(() -> Kvm.ioctl(vm.vmFd(), 0xAEFF, 0, "KVM_BOGUS"))
                    .isInstanceOf(NativeException.class)
                    .hasMessageStartingWith("KVM_BOGUS failed")
                    .satisfies(e -> assertThat(((NativeException) e).errno()).isEqualTo(ENOTTY));
        }
    }

    @Test
    void missingTruncatedAndNonKernelFilesAreOneLineBootErrors() throws IOException {
        assertThatThrownBy(() -> KvmMachine.boot(KvmMachineConfig.of(dir.resolve("nope"), 4 << 20, 1)))
                .isInstanceOf(BootException.class).hasMessageContaining("kernel file not found");
        Path junk = Files.write(dir.resolve("junk"), new byte[4096]);
        assertThatThrownBy(() -> KvmMachine.boot(KvmMachineConfig.of(junk, 4 << 20, 1)))
                .isInstanceOf(BootException.class).hasMessageContaining("not a bzImage");
        byte[] elf = new byte[40];
        elf[0] = 0x7F; elf[1] = 'E'; elf[2] = 'L'; elf[3] = 'F';
        Path truncated = Files.write(dir.resolve("truncated.elf"), elf);
        assertThatThrownBy(() -> KvmMachine.boot(KvmMachineConfig.of(truncated, 4 << 20, 1)))
                .isInstanceOf(BootException.class).hasMessageContaining("ELF");
    }

    @Test
    void hundredCreateDestroyCyclesLeakNoFdsOrMappings() throws Exception {
        Path guest = GuestAssembler.build(dir, "reset", """
                    .code64
                    .global _start
                _start:
                    mov $0xfe, %al
                    out %al, $0x64
                """);
        KvmMachine.boot(KvmMachineConfig.of(guest, 4 << 20, 2));   // warm up lazily created JVM state
        long fds = openFds(), maps = mappings();

        for (int i = 0; i < 100; i++) {
            assertThat(KvmMachine.boot(KvmMachineConfig.of(guest, 4 << 20, 2)).reason())
                    .isEqualTo(KvmMachine.EndReason.RESET);
        }

        assertThat(openFds()).isLessThanOrEqualTo(fds);
        assertThat(mappings()).isLessThanOrEqualTo(maps + 8);   // the JVM itself maps a little over time
    }

    private static long openFds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    private static long mappings() throws IOException {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/maps"))) {
            return lines.filter(l -> l.contains("kvm") || l.contains("vireo-guest-ram")).count();
        }
    }
}
