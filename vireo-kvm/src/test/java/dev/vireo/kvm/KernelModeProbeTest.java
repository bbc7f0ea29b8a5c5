package dev.vireo.kvm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

@RequiresKvm
@Timeout(60)
class KernelModeProbeTest {
    @Test
    void measuresBothModesAndUserModeIsFast() {
        KernelModeProbe.Result result = KernelModeProbe.measure();
        System.out.println("kernel-mode probe: " + result);

        assertThat(result.kernelNanosPerIteration()).isPositive();
        assertThat(result.userNanosPerIteration()).isPositive().isLessThan(100);
    }
}
