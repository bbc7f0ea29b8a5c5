package dev.vireo.kvm;

import dev.vireo.kvm.KvmMachine.EndReason;
import dev.vireo.kvm.KvmMachine.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** Two vCPUs running user-mode loops, driven from other threads: pause, resume, stop. */
@RequiresKvm
@Timeout(60)
class KvmSmpTest {
    private static final long COUNTERS = 0x200000;

    @TempDir
    Path dir;

    private Path countingGuest() throws Exception {
        // Each vCPU (index in RDI) increments its own counter, 64 bytes apart, forever, at CPL3.
        return GuestAssembler.build(dir, "count", GuestAssembler.DROP_TO_USER + """
                user:
                    mov %rdi, %rbx
                    shl $6, %rbx
                    add $0x200000, %rbx
                1:  incq (%rbx)
                    jmp 1b
                """);
    }

    private static long counter(KvmMachine m, int vcpu) { return m.memory().readLong(COUNTERS + 64L * vcpu); }

    private static void awaitProgress(KvmMachine m, int vcpu) throws InterruptedException {
        long start = counter(m, vcpu);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (counter(m, vcpu) == start) {
            assertThat(System.nanoTime()).as("vCPU %d makes progress", vcpu).isLessThan(deadline);
            Thread.sleep(1);
        }
    }

    @Test
    void twoVcpusBothRunAndCanBePausedResumedAndStopped() throws Exception {
        try (KvmMachine machine = KvmMachine.start(KvmMachineConfig.of(countingGuest(), 16L << 20, 2))) {
            awaitProgress(machine, 0);
            awaitProgress(machine, 1);

            for (int round = 0; round < 20; round++) {
                machine.pause();
                long a = counter(machine, 0), b = counter(machine, 1);
                Thread.sleep(round == 0 ? 50 : 2);
                assertThat(counter(machine, 0)).as("vCPU 0 is still while paused").isEqualTo(a);
                assertThat(counter(machine, 1)).as("vCPU 1 is still while paused").isEqualTo(b);
                machine.resume();
                awaitProgress(machine, 0);
                awaitProgress(machine, 1);
            }

            machine.stop();
            Optional<Outcome> outcome = machine.awaitEnd(5000);
            assertThat(outcome).map(Outcome::reason).contains(EndReason.STOPPED);
        }
    }

    @Test
    void concurrentKicksFromManyThreadsNeverWedgeTheVcpus() throws Exception {
        try (KvmMachine machine = KvmMachine.start(KvmMachineConfig.of(countingGuest(), 16L << 20, 2))) {
            AtomicBoolean done = new AtomicBoolean();
            Thread[] kickers = new Thread[3];
            for (int i = 0; i < kickers.length; i++) {
                kickers[i] = Thread.ofPlatform().start(() -> {
                    while (!done.get()) {
                        machine.pause();
                        machine.resume();
                    }
                });
            }
            Thread.sleep(300);
            done.set(true);
            for (Thread t : kickers) t.join();
            machine.resume();
            awaitProgress(machine, 0);
            awaitProgress(machine, 1);
            machine.stop();
            assertThat(machine.awaitEnd(5000)).map(Outcome::reason).contains(EndReason.STOPPED);
        }
    }

    @Test
    void stopWhilePausedEndsTheVm() throws Exception {
        try (KvmMachine machine = KvmMachine.start(KvmMachineConfig.of(countingGuest(), 16L << 20, 2))) {
            awaitProgress(machine, 1);
            machine.pause();
            machine.stop();
            assertThat(machine.awaitEnd(5000)).map(Outcome::reason).contains(EndReason.STOPPED);
        }
    }
}
