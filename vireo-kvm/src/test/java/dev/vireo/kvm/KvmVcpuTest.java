package dev.vireo.kvm;

import dev.vireo.kvm.boot.ElfLoader;
import dev.vireo.kvm.boot.EntryState;
import dev.vireo.kvm.boot.LowMemory;
import dev.vireo.kvm.devices.I8042;
import dev.vireo.kvm.sys.EventFd;
import dev.vireo.kvm.sys.KvmCpuid2;
import dev.vireo.machine.bus.MmioBus;
import dev.vireo.machine.bus.MmioDevice;
import dev.vireo.machine.bus.PioBus;
import dev.vireo.machine.hypervisor.VmExit;
import dev.vireo.machine.memory.GuestMemory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** The Vm/Vcpu boundary used directly, without KvmMachine: one vCPU driven by the test's own thread. */
@Timeout(60)
class KvmVcpuTest {
    @TempDir
    Path dir;

    @Test
    @RequiresKvm
    void ioeventfdSignalsInTheKernelWithoutAnExit() throws Exception {
        Path elf = GuestAssembler.build(dir, "notify", GuestAssembler.DROP_TO_USER + """
                user:
                    mov $0xd0000000, %rbx
                    movl $7, 0x50(%rbx)
                    movl $7, 0x50(%rbx)
                    movl $9, 0x50(%rbx)
                    movl $1, 0x60(%rbx)
                    mov $0xfe, %al
                    out %al, $0x64
                1:  jmp 1b
                """);
        List<String> deviceWrites = new CopyOnWriteArrayList<>();
        try (GuestMemory memory = GuestMemory.allocate(0, 8L << 20)) {
            LowMemory.write(memory);
            long entry = ElfLoader.load(Files.readAllBytes(elf), memory).entry();
            try (KvmVm vm = KvmVm.create(memory, 1)) {
                EventFd notify7 = vm.registerIoeventfd(0xD000_0050L, 4, false, OptionalLong.of(7));
                MmioBus mmio = new MmioBus();
                mmio.register(0xD000_0000L, 0x1000, new MmioDevice() {
                    @Override
                    public long read(long offset, int size) { return 0; }

                    @Override
                    public void write(long offset, int size, long value) { deviceWrites.add(offset + "=" + value); }
                });
                CompletableFuture<VmExit> result = runOneVcpu(vm, mmio, entry);

                assertThat(result.get(30, TimeUnit.SECONDS)).isInstanceOf(VmExit.Kicked.class);
                assertThat(notify7.drain()).isEqualTo(2);
                assertThat(deviceWrites).containsExactly("80=9", "96=1");
            }
        }
    }

    /** Runs vCPU 0 on a new platform thread until the guest resets (the reset kicks the vCPU). */
    private static CompletableFuture<VmExit> runOneVcpu(KvmVm vm, MmioBus mmio, long entry) {
        CompletableFuture<VmExit> result = new CompletableFuture<>();
        Thread.ofPlatform().name("test-vcpu").start(() -> {
            AtomicBoolean reset = new AtomicBoolean();
            KvmVcpu[] self = new KvmVcpu[1];
            PioBus pio = new PioBus();
            pio.register(I8042.COMMAND_PORT, 1, I8042.commandPort(() -> {
                reset.set(true);
                self[0].kick();
            }));
            try {
                self[0] = KvmVcpu.create(vm, 0, pio, mmio);
                VcpuSetup.configure(self[0], 1);
                VcpuSetup.enterLongMode(self[0], new EntryState(entry, LowMemory.stackTop(0), 1, 0));
                VmExit exit;
                do {
                    exit = self[0].run();
                } while (!reset.get() && !(exit instanceof VmExit.Shutdown) && !(exit instanceof VmExit.Failure));
                result.complete(exit);
            } catch (Throwable t) {
                result.completeExceptionally(t);
            } finally {
                if (self[0] != null) self[0].close();
            }
        });
        return result;
    }

    @Test
    void cpuidFixUpsSetApicIdsHypervisorBitAndTscDeadline() {
        KvmCpuid2.Entry leaf1 = new KvmCpuid2.Entry(1, 0, 0, 0x806F8, 0xFF_0000_00 | 0x0800, 0, 0);
        KvmCpuid2.Entry fixed = VcpuSetup.fixUp(leaf1, 3, 4, true);
        assertThat(fixed.ebx() >>> 24).isEqualTo(3);
        assertThat((fixed.ebx() >>> 16) & 0xFF).isEqualTo(4);
        assertThat(fixed.ebx() & 0xFFFF).isEqualTo(0x0800);
        assertThat(fixed.ecx() & (1 << 31)).isNotZero();
        assertThat(fixed.ecx() & (1 << 24)).isNotZero();
        assertThat(fixed.edx() & (1 << 28)).isNotZero();
        assertThat(VcpuSetup.fixUp(new KvmCpuid2.Entry(0xB, 1, 1, 1, 2, 0x201, 0), 5, 8, false).edx()).isEqualTo(5);
        KvmCpuid2.Entry other = new KvmCpuid2.Entry(7, 0, 1, 1, 2, 3, 4);
        assertThat(VcpuSetup.fixUp(other, 1, 2, true)).isEqualTo(other);
    }
}
