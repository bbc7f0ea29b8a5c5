package dev.vireo.riscv.machine;

import dev.vireo.machine.bus.MmioDevice;
import dev.vireo.machine.irq.InterruptLine;
import dev.vireo.machine.lifecycle.StopReason;
import dev.vireo.riscv.fdt.Dtc;
import dev.vireo.riscv.boot.Firmware;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The machine with real harts running bare-metal programs: the interrupt paths from ACLINT
 * and PLIC into the harts, and the stop paths out through sifive_test.
 */
@Tag("guest")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VirtMachineTest {
    @TempDir Path dir;
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    private VirtMachine machine(int cpus, String program) throws Exception {
        Path elf = BareMetalElf.build(dir, program);
        return VirtMachine.builder(new VirtConfig(32L << 20, cpus, new Firmware.None(), elf, null, ""))
                .serialOutput(b -> {
                    synchronized (console) {
                        console.write(b);
                    }
                })
                .build();
    }

    private StopReason run(VirtMachine m) throws Exception {
        try (m) {
            m.start();
            return m.awaitStop();
        }
    }

    private String output() {
        synchronized (console) {
            return console.toString();
        }
    }

    @Test
    void softwareInterruptThroughTheAclintWakesAnotherHart() throws Exception {
        VirtMachine m = machine(2, """
                    csrr  t0, mhartid
                    bnez  t0, waiter
                    li    t1, CLINT + 4          # msip of hart 1
                    li    t2, 1
                    sw    t2, 0(t1)
                park:
                    wfi
                    j     park
                waiter:
                    li    t0, 8                  # mie.MSIE; mstatus.MIE stays 0, so WFI just wakes
                    csrw  mie, t0
                1:  wfi
                    csrr  t1, mip
                    andi  t1, t1, 8
                    beqz  t1, 1b
                    li    t1, CLINT + 4
                    sw    zero, 0(t1)
                    csrr  t1, mip
                    andi  t1, t1, 8
                    bnez  t1, 1b                 # MSIP must clear with the register
                    li    a0, 'I'
                    putc  a0
                    poweroff
                """);
        assertThat(run(m)).isEqualTo(new StopReason.PowerOff());
        assertThat(output()).isEqualTo("I");
    }

    @Test
    void mtimecmpRaisesTheTimerInterruptOnceMtimePassesIt() throws Exception {
        VirtMachine m = machine(1, """
                    li    t0, CLINT + 0xbff8
                    ld    t1, 0(t0)               # mtime
                    li    t2, 20000               # 2 ms at 10 MHz
                    add   t1, t1, t2
                    li    t0, CLINT + 0x4000
                    sd    t1, 0(t0)               # mtimecmp of hart 0
                    csrr  t3, mip
                    andi  t3, t3, 0x80
                    bnez  t3, fail                # not yet
                    li    t0, 0x80                # mie.MTIE
                    csrw  mie, t0
                1:  wfi
                    csrr  t3, mip
                    andi  t3, t3, 0x80
                    beqz  t3, 1b
                    li    t0, CLINT + 0xbff8
                    ld    t4, 0(t0)
                    bltu  t4, t1, fail            # woke before mtime reached mtimecmp
                    li    a0, 'T'
                    putc  a0
                    poweroff
                fail:
                    li    a0, 'F'
                    putc  a0
                    poweroff
                """);
        assertThat(run(m)).isEqualTo(new StopReason.PowerOff());
        assertThat(output()).isEqualTo("T");
    }

    @Test
    void uartInputReachesTheHartThroughThePlic() throws Exception {
        VirtMachine m = machine(1, """
                    li    t0, UART
                    li    t1, 1
                    sb    t1, 1(t0)               # IER.ERBFI
                    li    t0, PLIC + 4 * 10
                    li    t1, 1
                    sw    t1, 0(t0)               # priority of source 10 (UART)
                    li    t0, PLIC + 0x2000       # context 0 (hart 0, M-mode) enables
                    li    t1, 1 << 10
                    sw    t1, 0(t0)
                    li    t0, PLIC + 0x200000
                    sw    zero, 0(t0)             # threshold 0
                    li    t0, 0x800               # mie.MEIE
                    csrw  mie, t0
                    li    a0, 'R'
                    putc  a0                      # ready for input
                1:  wfi
                    csrr  t1, mip
                    li    t2, 0x800
                    and   t1, t1, t2
                    beqz  t1, 1b
                    li    t0, PLIC + 0x200004
                    lw    s0, 0(t0)               # claim
                    li    t1, 10
                    bne   s0, t1, fail
                    li    t0, UART
                    lbu   a0, 0(t0)               # the byte; the UART line drops
                    putc  a0
                    li    t0, PLIC + 0x200004
                    sw    s0, 0(t0)               # complete
                    csrr  t1, mip
                    li    t2, 0x800
                    and   t1, t1, t2
                    bnez  t1, fail                # nothing left pending
                    poweroff
                fail:
                    li    a0, 'F'
                    putc  a0
                    poweroff
                """);
        try (m) {
            m.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!output().equals("R") && System.nanoTime() < deadline) Thread.sleep(5);
            m.uart().receive(new byte[] {'k'}, 0, 1);
            assertThat(m.awaitStop()).isEqualTo(new StopReason.PowerOff());
        }
        assertThat(output()).isEqualTo("Rk");
    }

    @Test
    void startsEveryHartAtTheEntryWithHartIdAndDeviceTree() throws Exception {
        VirtMachine m = machine(4, """
                    lwu   t0, 0(a1)
                    li    t1, 0xedfe0dd0
                    bne   t0, t1, park
                    addi  a0, a0, '0'
                    putc  a0
                    csrr  t0, mhartid
                    bnez  t0, park
                    li    t0, 2000000
                1:  addi  t0, t0, -1          # let the others print first
                    bnez  t0, 1b
                    poweroff
                park:
                    wfi
                    j     park
                """);
        assertThat(run(m)).isEqualTo(new StopReason.PowerOff());
        assertThat(output()).hasSize(4).contains("0", "1", "2", "3");
        assertThat(m.bootPlan().entry()).isEqualTo(0x8000_0000L);
    }

    /** A stand-in for a virtio-mmio transport: magic at 0, a write to 0x50 (QueueNotify) raises its line. */
    static class FakeVirtio implements MmioDevice, AutoCloseable {
        final InterruptLine irq;
        volatile boolean closed;

        FakeVirtio(InterruptLine irq) { this.irq = irq; }

        @Override public long read(long offset, int size) { return offset == 0 ? 0x74726976L : 0; }

        @Override public void write(long offset, int size, long value) { if (offset == 0x50) irq.raise(); }

        @Override public void close() { closed = true; }
    }

    @Test
    void virtioSlotsAreMappedWiredToThePlicDescribedAndClosed() throws Exception {
        Path elf = BareMetalElf.build(dir, """
                    li    t0, 0x10002000          # slot 1
                    lw    t1, 0(t0)
                    li    t2, 0x74726976
                    bne   t1, t2, fail
                    li    t0, PLIC + 4 * 2
                    li    t1, 1
                    sw    t1, 0(t0)               # priority of source 2 (slot 1)
                    li    t0, PLIC + 0x2000
                    li    t1, 1 << 2
                    sw    t1, 0(t0)
                    li    t0, 0x800
                    csrw  mie, t0
                    li    t0, 0x10002000
                    sw    zero, 0x50(t0)          # notify: the device raises its line
                1:  wfi
                    csrr  t1, mip
                    li    t2, 0x800
                    and   t1, t1, t2
                    beqz  t1, 1b
                    li    t0, PLIC + 0x200004
                    lw    t1, 0(t0)
                    li    t2, 2
                    bne   t1, t2, fail
                    li    a0, 'V'
                    putc  a0
                    poweroff
                fail:
                    li    a0, 'F'
                    putc  a0
                    poweroff
                """);
        List<FakeVirtio> devices = new ArrayList<>();
        VirtMachine m = VirtMachine.builder(new VirtConfig(32L << 20, 1, new Firmware.None(), elf, null, ""))
                .serialOutput(b -> console.write(b))
                .addVirtioMmio(irq -> { var d = new FakeVirtio(irq); devices.add(d); return d; })
                .addVirtioMmio((memory, irq) -> { var d = new FakeVirtio(irq); devices.add(d); return d; })
                .build();
        long fdt = m.bootPlan().fdtAddress();
        byte[] blob = new byte[Integer.reverseBytes(m.memory().readInt(fdt + 4))];
        m.memory().read(fdt, blob, 0, blob.length);
        assertThat(Dtc.decompile(blob).dts()).contains("virtio_mmio@10001000 {", "virtio_mmio@10002000 {")
                .doesNotContain("virtio_mmio@10003000");
        assertThat(run(m)).isEqualTo(new StopReason.PowerOff());
        assertThat(output()).isEqualTo("V");
        assertThat(devices).hasSize(2).allMatch(d -> d.closed);
    }

    @Test
    void thePowerButtonSitsInTheLastVirtioSlotAndIsDescribed() throws Exception {
        VirtMachine m = machine(1, """
                    li    t0, 0x10008000          # slot 7
                    lw    t1, 0(t0)
                    li    t2, 0x74726976          # "virt"
                    bne   t1, t2, fail
                    lw    t1, 8(t0)               # DeviceID
                    li    t2, 18                  # virtio-input
                    bne   t1, t2, fail
                    li    a0, 'P'
                    putc  a0
                    poweroff
                fail:
                    li    a0, 'F'
                    putc  a0
                    poweroff
                """);
        long fdt = m.bootPlan().fdtAddress();
        byte[] blob = new byte[Integer.reverseBytes(m.memory().readInt(fdt + 4))];
        m.memory().read(fdt, blob, 0, blob.length);
        assertThat(Dtc.decompile(blob).dts()).contains("virtio_mmio@10008000 {", "interrupts = <0x08>;")
                .doesNotContain("virtio_mmio@10001000");
        assertThat(m.pressPowerButton()).as("no driver runs the button yet").isFalse();
        assertThat(run(m)).isEqualTo(new StopReason.PowerOff());
        assertThat(output()).isEqualTo("P");
    }

    @Test
    void sevenAttachedVirtioDevicesFitAndAnEighthIsRefused() throws Exception {
        Path elf = BareMetalElf.build(dir, "1: j 1b");
        VirtMachine.Builder b = VirtMachine.builder(new VirtConfig(32L << 20, 1, new Firmware.None(), elf, null, ""));
        for (int i = 0; i < VirtMemoryMap.ATTACHABLE_VIRTIO_SLOTS; i++) b.addVirtioMmio(FakeVirtio::new);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.addVirtioMmio(FakeVirtio::new))
                .hasMessageContaining("at most 7 virtio devices").hasMessageContaining("power button");
    }

    @Test
    void requestStopEndsAllHartsAndCloseFreesTheMachine() throws Exception {
        VirtMachine m = machine(2, """
                1:  j 1b
                """);
        m.start();
        m.requestStop(new StopReason.HostRequest("test"));
        assertThat(m.awaitStop()).isEqualTo(new StopReason.HostRequest("test"));
        m.close();
        m.close();
    }
    /** A device whose register write fails with {@code error}, as a broken device or a missing class would. */
    private VirtMachine machineWithFailingDevice(Error error) throws Exception {
        Path elf = BareMetalElf.build(dir, """
                    li    t0, 0x10001000
                    sw    zero, 0x50(t0)
                1:  j     1b
                """);
        return VirtMachine.builder(new VirtConfig(32L << 20, 1, new Firmware.None(), elf, null, ""))
                .addVirtioMmio(irq -> new FakeVirtio(irq) {
                    @Override public void write(long offset, int size, long value) { throw error; }
                })
                .build();
    }

    @Test
    void anErrorOnAHartStopsTheMachineWithAReportNamingIt() throws Exception {
        StopReason reason = run(machineWithFailingDevice(new AssertionError("device broke")));
        assertThat(reason).isInstanceOf(StopReason.Fault.class);
        assertThat(((StopReason.Fault) reason).report()).contains("hart 0 failed", "device broke", "pc=0x");
    }

    /**
     * A hart whose failure also breaks its own fault report (here the error's toString throws,
     * as when a jar is replaced under a running VM and classes cannot be loaded) still stops
     * the machine, instead of leaving it waiting for a hart that is gone.
     */
    @Test
    void aHartWhoseFaultReportFailsTooStillStopsTheMachine() throws Exception {
        Error unprintable = new NoClassDefFoundError() {
            @Override public String toString() { throw this; }
        };
        StopReason reason = run(machineWithFailingDevice(unprintable));
        assertThat(reason).isEqualTo(new StopReason.Fault("hart 0 failed, and so did its fault report"));
    }
}
