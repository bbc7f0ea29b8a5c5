package dev.vireo.kvm;

import dev.vireo.kvm.KvmMachine.EndReason;
import dev.vireo.kvm.KvmMachine.Outcome;
import dev.vireo.machine.bus.MmioDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Interrupts through the in-kernel IOAPIC and LAPIC: the guest (at CPL0, a few thousand emulated
 * instructions, most filling the IDT) masks the PICs, routes GSI 5 to vector 0x30, says 'R', and halts; the host raises GSI 5 with an
 * irqfd or KVM_IRQ_LINE; the handler says 'I' and resets.
 */
@RequiresKvm
@Timeout(60)
class KvmInterruptTest {
    private static final String GUEST = """
                .code64
                .global _start
            _start:
                mov $0xff, %al                 # mask both 8259s: only the IOAPIC delivers
                out %al, $0x21
                out %al, $0xa1
                lea other(%rip), %rax          # every vector → 'other', which reports a stray interrupt
                mov %rax, %rdx
                shr $16, %rdx
                lea idt(%rip), %rdi
                mov $256, %ecx
            0:  mov %ax, (%rdi)
                movw $0x10, 2(%rdi)
                movw $0x8e00, 4(%rdi)
                mov %dx, 6(%rdi)
                movl $0, 8(%rdi)
                add $16, %rdi
                dec %ecx
                jnz 0b
                lea handler(%rip), %rax
                lea idt+0x30*16(%rip), %rdi
                mov %ax, (%rdi)
                movw $0x10, 2(%rdi)
                movw $0x8e00, 4(%rdi)
                shr $16, %rax
                mov %ax, 6(%rdi)
                shr $16, %rax
                mov %eax, 8(%rdi)
                lidt idtr(%rip)
                mov $0xfee00000, %rbx          # LAPIC
                mov $0xfec00000, %rcx          # IOAPIC
                movl $0x1ff, 0xf0(%rbx)        # LAPIC: software enable, spurious vector 0xff
                movl $0x1a, (%rcx)             # IOAPIC redirection entry 5, low half
                movl $TRIGGER, 0x10(%rcx)      # vector 0x30, fixed, active high, unmasked (edge or level)
                movl $0x1b, (%rcx)             # high half
                movl $0, 0x10(%rcx)            # destination: APIC 0
                mov $0x3f8, %dx
                mov $'R', %al
                out %al, %dx
                sti
                RAISE
            1:  hlt
                jmp 1b
            handler:
                mov $0x3f8, %dx
                mov $'I', %al
                out %al, %dx
                ACK
                movl $0, 0xb0(%rbx)            # EOI
                mov $0xfe, %al
                out %al, $0x64
            2:  jmp 2b
            other:
                mov $0x3f8, %dx
                mov $'X', %al
                out %al, %dx
                mov $0xfe, %al
                out %al, $0x64
                .data
                .balign 16
            idtr:
                .word 256*16-1
                .quad idt
                .balign 16
            idt:
                .space 256*16
            """;

    @TempDir
    Path dir;

    private static final String EDGE = GUEST.replace("TRIGGER", "0x30").replace("RAISE", "").replace("ACK", "");

    private String runRaising(Consumer<KvmMachine> raise) throws Exception {
        return run(EDGE, KvmMachineConfig.of(Path.of("unused"), 8L << 20, 1), raise);
    }

    private String run(String source, KvmMachineConfig base, Consumer<KvmMachine> raise) throws Exception {
        Path guest = GuestAssembler.build(dir, "irq", source);
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        OutputStream console = new OutputStream() {
            @Override
            public void write(int b) {
                seen.write(b);
                if (b == 'R') ready.complete(null);
            }
        };
        KvmMachineConfig config = new KvmMachineConfig(guest, base.initrd(), base.cmdline(), base.memoryBytes(), base.vcpus(),
                console, null, base.mmioDevices(), null);
        try (KvmMachine machine = KvmMachine.start(config)) {
            ready.get(20, TimeUnit.SECONDS);
            raise.accept(machine);
            Outcome outcome = machine.awaitEnd(20_000).orElseThrow();
            assertThat(outcome.reason()).as(outcome.detail()).isEqualTo(EndReason.RESET);
        }
        return seen.toString();
    }

    @Test
    void irqfdDeliversAnInterruptThroughTheIoapic() throws Exception {
        assertThat(runRaising(m -> m.vm().registerIrqfd(5).signal(1))).isEqualTo("RI");
    }

    @Test
    void irqLineDeliversAnInterruptThroughTheIoapic() throws Exception {
        assertThat(runRaising(m -> {
            m.vm().setIrqLine(5, true);
            m.vm().setIrqLine(5, false);
        })).isEqualTo("RI");
    }

    @Test
    void mmioDeviceRaisesALevelTriggeredInterruptThroughItsFactoryLine() throws Exception {
        // The device holds its line high from a write to offset 0 until a write to offset 4.
        String level = GUEST.replace("TRIGGER", "0x8030")
                .replace("RAISE", "mov $0xd0000000, %rsi\n    movl $1, (%rsi)")
                .replace("ACK", "movl $1, 4(%rsi)");
        AtomicInteger raised = new AtomicInteger(), lowered = new AtomicInteger();
        KvmMachineConfig.MmioSlot slot = new KvmMachineConfig.MmioSlot(0xD000_0000L, 0x1000, 5, (memory, line) -> new MmioDevice() {
            @Override
            public long read(long offset, int size) { return 0; }

            @Override
            public void write(long offset, int size, long value) {
                if (offset == 0) { raised.incrementAndGet(); line.raise(); }
                if (offset == 4) { lowered.incrementAndGet(); line.lower(); }
            }
        });

        String seen = run(level, KvmMachineConfig.of(Path.of("unused"), 8L << 20, 1).withMmioDevices(List.of(slot)), m -> { });

        assertThat(seen).isEqualTo("RI");
        assertThat(raised.get()).isEqualTo(1);
        assertThat(lowered.get()).isEqualTo(1);
    }
}
