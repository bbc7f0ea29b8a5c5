package dev.vireo.riscv.machine;

import dev.vireo.riscv.cpu.Isa;
import dev.vireo.riscv.fdt.Dtc;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class VirtDeviceTreeTest {
    private static String dts(int cpus, long initrdStart, long initrdEnd, boolean... virtio) throws Exception {
        boolean[] slots = new boolean[VirtMemoryMap.VIRTIO_SLOTS];
        System.arraycopy(virtio, 0, slots, 0, virtio.length);
        byte[] blob = VirtDeviceTree.build(new VirtDeviceTree.Contents(cpus, 512L << 20,
                "console=ttyS0 earlycon=sbi", initrdStart, initrdEnd, slots));
        Dtc.Result r = Dtc.decompile(blob);
        assertThat(r.exitCode()).isZero();
        assertThat(r.warnings()).as("dtc warnings").isEmpty();
        return r.dts();
    }

    @Test
    void describesTheVirtBoardAsQemuDoes() throws Exception {
        String dts = dts(2, 0x8820_0000L, 0x8840_0000L);
        assertThat(dts)
                .contains("bootargs = \"console=ttyS0 earlycon=sbi\";")
                .contains("stdout-path = \"/soc/serial@10000000\";")
                .contains("linux,initrd-start = <0x00 0x88200000>;")
                .contains("linux,initrd-end = <0x00 0x88400000>;")
                .contains("rng-seed = ")
                .contains("reg = <0x00 0x80000000 0x00 0x20000000>;")
                .contains("timebase-frequency = <0x989680>;")
                .contains("compatible = \"sifive,clint0\\0riscv,clint0\";")
                .contains("compatible = \"sifive,plic-1.0.0\\0riscv,plic0\";")
                .contains("riscv,ndev = <0x5f>;")
                .contains("reg = <0x00 0xc000000 0x00 0x600000>;")
                // 3686400 = 00 38 40 00, which dtc prints as a string, as for QEMU's tree.
                .containsAnyOf("clock-frequency = <0x384000>;", "clock-frequency = \"\\08@\";")
                .contains("compatible = \"ns16550a\";")
                .contains("interrupts = <0x0a>;")
                .contains("compatible = \"sifive,test1\\0sifive,test0\\0syscon\";")
                .contains("compatible = \"syscon-poweroff\";")
                .contains("value = <0x5555>;")
                .contains("compatible = \"syscon-reboot\";")
                .contains("value = <0x7777>;")
                .contains("compatible = \"google,goldfish-rtc\";")
                .contains("riscv,isa = \"" + Isa.deviceTreeIsa() + "\";")
                .contains("riscv,isa-base = \"rv64i\";")
                .contains("mmu-type = \"" + Isa.MMU_TYPE + "\";")
                .contains("cpu@0 {", "cpu@1 {", "core0 {", "core1 {")
                .doesNotContain("cpu@2 {")
                .doesNotContain("virtio_mmio");
    }

    @Test
    void wiresEveryHartsContextsToThePlicAndClint() throws Exception {
        String dts = dts(2, 0, 0);
        // Phandles 1..4 are cpu0, intc0, cpu1, intc1: contexts 2h (MEIP 11) and 2h+1 (SEIP 9).
        assertThat(dts).contains("interrupts-extended = <0x02 0x0b 0x02 0x09 0x04 0x0b 0x04 0x09>;");
        assertThat(dts).contains("interrupts-extended = <0x02 0x03 0x02 0x07 0x04 0x03 0x04 0x07>;");
        assertThat(dts).doesNotContain("linux,initrd-start");
    }

    @Test
    void advertisesZihintpauseWhichTheHartImplements() throws Exception {
        // PAUSE (fence w,0 encoding) is decoded as its own operation (DecoderTest); Linux uses it in
        // cpu_relax() only when the tree names the extension.
        String dts = dts(1, 0, 0);
        assertThat(dts).containsPattern("riscv,isa = \"rv64imafdc_[a-z_]*_zihintpause_[a-z_]*\";");
        assertThat(dts).containsPattern("riscv,isa-extensions = \"[^;]*\\\\0zihintpause\\\\0[^;]*\";");
    }

    @Test
    void describesOnlyAttachedVirtioSlots() throws Exception {
        String dts = dts(1, 0, 0, true, false, true);
        assertThat(dts).contains("virtio_mmio@10001000 {", "virtio_mmio@10003000 {")
                .doesNotContain("virtio_mmio@10002000");
        assertThat(dts).contains("interrupts = <0x01>;", "interrupts = <0x03>;");
    }
}
