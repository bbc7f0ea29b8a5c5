package dev.vireo.machine.hypervisor;

import org.junit.jupiter.api.Test;

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
}
