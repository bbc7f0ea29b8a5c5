package dev.vireo.kvm;

import dev.vireo.kvm.KvmMachine.EndReason;
import dev.vireo.kvm.KvmMachine.Outcome;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Boots a real x86-64 Linux bzImage (e.g. Debian's linux-image-amd64 /boot/vmlinuz-*, named by
 * the VIREO_KVM_KERNEL environment variable; VIREO_KVM_INITRD optional) with two vCPUs until it
 * panics for want of a root file system and reboots (panic=-1, reboot=k → i8042 reset).
 * Runs only where guest kernel-mode code is native: on PVM hosts it would take hours.
 */
@Tag("kvm-hw")
@RequiresKvm
@Timeout(300)
class LinuxBootKvmHwTest {
    @Test
    void bootsLinuxToPanicAndResetWithTwoVcpus() {
        KernelModeProbe.Result probe = KernelModeProbe.measure();
        Assumptions.assumeTrue(probe.kernelModeNative(),
                () -> "skipped: this host's KVM emulates guest kernel mode (" + probe + "); Linux would boot only very slowly");
        String kernelVariable = System.getenv("VIREO_KVM_KERNEL");
        Assumptions.assumeTrue(kernelVariable != null && Files.isRegularFile(Path.of(kernelVariable)),
                "skipped: set VIREO_KVM_KERNEL to an x86-64 bzImage (Debian linux-image-amd64's /boot/vmlinuz-*)");
        Optional<Path> initrd = Optional.ofNullable(System.getenv("VIREO_KVM_INITRD")).map(Path::of);
        ByteArrayOutputStream console = new ByteArrayOutputStream();

        Outcome outcome = KvmMachine.boot(KvmMachineConfig.of(Path.of(kernelVariable), 512L << 20, 2)
                .withLinux(initrd, "console=ttyS0 earlyprintk=ttyS0 panic=-1 reboot=k root=/dev/null")
                .withConsole(console, null));

        String log = console.toString();
        assertThat(outcome.reason()).as(outcome.detail() + "\n" + log).isEqualTo(EndReason.RESET);
        assertThat(log).contains("Linux version").contains("smpboot: Total of 2 processors activated");
    }
}
