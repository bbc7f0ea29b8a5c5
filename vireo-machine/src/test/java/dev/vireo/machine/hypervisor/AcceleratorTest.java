package dev.vireo.machine.hypervisor;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static dev.vireo.machine.boot.GuestArchitecture.RISCV64;
import static dev.vireo.machine.boot.GuestArchitecture.X86_64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AcceleratorTest {
    private static Hypervisor kvm(boolean available) {
        return new Hypervisor() {
            @Override
            public String name() { return "kvm"; }

            @Override
            public boolean available() { return available; }
        };
    }

    @Test
    void autoPrefersHardwareForTheHostsArchitectureAndEmulatesRiscv() {
        assertThat(Accelerator.AUTO.resolve(X86_64, X86_64, kvm(true))).isEqualTo(Accelerator.KVM);
        assertThat(Accelerator.AUTO.resolve(RISCV64, X86_64, kvm(true))).isEqualTo(Accelerator.EMULATE);
        assertThatThrownBy(() -> Accelerator.AUTO.resolve(X86_64, X86_64, kvm(false))).hasMessageContaining("KVM is not usable");
    }

    @Test
    void explicitChoicesThatCannotRunTheGuestSayWhatToUse() {
        assertThatThrownBy(() -> Accelerator.KVM.resolve(RISCV64, X86_64, kvm(true))).hasMessageContaining("use --accel emulate");
        assertThatThrownBy(() -> Accelerator.EMULATE.resolve(X86_64, X86_64, kvm(true))).hasMessageContaining("use --accel kvm");
        assertThat(Accelerator.parse(" Emulate ")).isEqualTo(Accelerator.EMULATE);
        assertThatThrownBy(() -> Accelerator.parse("tcg")).hasMessageContaining("use kvm, emulate or auto");
    }

    @Test
    void kvmErrorsCarryTheBackendsReasonAndUnknownHostsOnlyEmulate() {
        Hypervisor denied = new Hypervisor() {
            @Override
            public String name() { return "kvm"; }

            @Override
            public boolean available() { return false; }

            @Override
            public Optional<String> unavailableReason() {
                return Optional.of("no permission to open /dev/kvm: add your user to the 'kvm' group");
            }
        };
        assertThatThrownBy(() -> Accelerator.KVM.resolve(X86_64, X86_64, denied)).hasMessageContaining("'kvm' group");
        assertThatThrownBy(() -> Accelerator.AUTO.resolve(X86_64, X86_64, denied)).hasMessageContaining("'kvm' group");
        assertThat(Accelerator.AUTO.resolve(RISCV64, null, kvm(true))).isEqualTo(Accelerator.EMULATE);
        assertThatThrownBy(() -> Accelerator.KVM.resolve(RISCV64, null, kvm(true)))
                .hasMessageContaining("needs an x86-64 host").hasMessageContaining("use --accel emulate");
        assertThatThrownBy(() -> Accelerator.AUTO.resolve(X86_64, null, kvm(true))).hasMessageContaining("needs an x86-64 host");
    }
}
