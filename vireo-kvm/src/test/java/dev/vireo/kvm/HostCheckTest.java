package dev.vireo.kvm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class HostCheckTest {
    @Test
    void reportsKvmMemoryKsmAndCgroupFacts() {
        HostCheck check = HostCheck.run();
        System.out.println(String.join("\n", check.lines()));

        assertThat(check.lines()).anyMatch(l -> l.startsWith("kvm: ")).anyMatch(l -> l.startsWith("memory: "))
                .anyMatch(l -> l.startsWith("ksm: ")).anyMatch(l -> l.startsWith("cgroup: "));
        assertThat(check.memTotalKiB()).isPositive();
        if (check.kvmProblem().isEmpty()) {
            assertThat(check.probe()).isPresent();
            assertThat(check.lines()).anyMatch(l -> l.startsWith("guest kernel mode: "));
        }
    }
}
