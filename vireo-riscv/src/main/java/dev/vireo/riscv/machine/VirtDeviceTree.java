package dev.vireo.riscv.machine;

import dev.vireo.riscv.MachineClock;
import dev.vireo.riscv.cpu.Isa;
import dev.vireo.riscv.fdt.FdtWriter;
import dev.vireo.riscv.platform.aclint.Aclint;
import dev.vireo.riscv.platform.plic.Plic;
import dev.vireo.riscv.platform.rtc.GoldfishRtc;
import dev.vireo.riscv.platform.syscon.SifiveTest;

import java.security.SecureRandom;

import static dev.vireo.riscv.machine.VirtMemoryMap.*;

/**
 * The device tree of a {@code virt} machine, describing exactly the devices that exist, with
 * the node names, compatibles and properties of QEMU's virt board so that OpenSBI and Linux
 * take the same paths in both (devicetree bindings: riscv/cpus.yaml, sifive,plic-1.0.0.yaml,
 * sifive,clint.yaml, serial/8250.yaml, power/reset/syscon-*.yaml, rtc/google,goldfish-rtc).
 */
public final class VirtDeviceTree {
    /** What the tree describes. {@code initrdEnd == initrdStart} means no initrd. */
    public record Contents(int cpus, long memoryBytes, String bootargs, long initrdStart, long initrdEnd,
                           boolean[] virtioSlots) {}

    private VirtDeviceTree() {}

    public static byte[] build(Contents c) {
        FdtWriter w = new FdtWriter();
        int[] intc = new int[c.cpus()];
        int[] cpu = new int[c.cpus()];
        for (int h = 0; h < c.cpus(); h++) {
            cpu[h] = w.allocatePhandle();
            intc[h] = w.allocatePhandle();
        }
        int plic = w.allocatePhandle();
        int test = w.allocatePhandle();
        String serialPath = "/soc/serial@" + Long.toHexString(UART);

        w.beginNode("");
        w.cells("#address-cells", 2).cells("#size-cells", 2);
        w.strings("compatible", "riscv-virtio").strings("model", "riscv-virtio,qemu");

        w.beginNode("chosen");
        if (!c.bootargs().isEmpty()) w.strings("bootargs", c.bootargs());
        w.strings("stdout-path", serialPath);
        if (c.initrdEnd() > c.initrdStart()) {
            w.longs("linux,initrd-start", c.initrdStart()).longs("linux,initrd-end", c.initrdEnd());
        }
        byte[] seed = new byte[32];
        new SecureRandom().nextBytes(seed);
        w.property("rng-seed", seed);
        w.endNode();

        w.beginNode("aliases").strings("serial0", serialPath).endNode();

        w.beginNode("memory@" + Long.toHexString(RAM));
        w.strings("device_type", "memory").longs("reg", RAM, c.memoryBytes());
        w.endNode();

        cpus(w, c.cpus(), cpu, intc);

        w.beginNode("poweroff").strings("compatible", "syscon-poweroff").cells("regmap", test)
                .cells("offset", 0).cells("value", SifiveTest.PASS).endNode();
        w.beginNode("reboot").strings("compatible", "syscon-reboot").cells("regmap", test)
                .cells("offset", 0).cells("value", SifiveTest.RESET).endNode();

        w.beginNode("soc");
        w.cells("#address-cells", 2).cells("#size-cells", 2).strings("compatible", "simple-bus").property("ranges");

        w.beginNode("clint@" + Long.toHexString(ACLINT));
        w.strings("compatible", "sifive,clint0", "riscv,clint0");
        w.longs("reg", ACLINT, Aclint.WINDOW_SIZE);
        w.cells("interrupts-extended", perHart(intc, 3, 7)); // MSIP, MTIP
        w.endNode();

        w.beginNode("plic@" + Long.toHexString(PLIC));
        w.cells("phandle", plic);
        w.strings("compatible", "sifive,plic-1.0.0", "riscv,plic0");
        w.longs("reg", PLIC, Plic.WINDOW_SIZE);
        w.cells("#address-cells", 0).cells("#interrupt-cells", 1).property("interrupt-controller");
        w.cells("riscv,ndev", Plic.SOURCES - 1);
        w.cells("interrupts-extended", perHart(intc, 11, 9)); // context 2h = MEIP, 2h+1 = SEIP
        w.endNode();

        w.beginNode("serial@" + Long.toHexString(UART));
        w.strings("compatible", "ns16550a").longs("reg", UART, UART_SIZE);
        w.cells("clock-frequency", UART_CLOCK_HZ).cells("interrupt-parent", plic).cells("interrupts", UART_IRQ);
        w.endNode();

        w.beginNode("test@" + Long.toHexString(TEST));
        w.cells("phandle", test);
        w.strings("compatible", "sifive,test1", "sifive,test0", "syscon");
        w.longs("reg", TEST, SifiveTest.WINDOW_SIZE);
        w.endNode();

        w.beginNode("rtc@" + Long.toHexString(RTC));
        w.strings("compatible", "google,goldfish-rtc").longs("reg", RTC, GoldfishRtc.WINDOW_SIZE);
        w.cells("interrupt-parent", plic).cells("interrupts", RTC_IRQ);
        w.endNode();

        for (int slot = 0; slot < c.virtioSlots().length; slot++) {
            if (!c.virtioSlots()[slot]) continue;
            w.beginNode("virtio_mmio@" + Long.toHexString(virtioSlot(slot)));
            w.strings("compatible", "virtio,mmio").longs("reg", virtioSlot(slot), VIRTIO_STRIDE);
            w.cells("interrupt-parent", plic).cells("interrupts", VIRTIO_IRQ_FIRST + slot);
            w.endNode();
        }
        w.endNode(); // soc
        w.endNode(); // root
        return w.finish();
    }

    private static void cpus(FdtWriter w, int cpus, int[] cpu, int[] intc) {
        w.beginNode("cpus");
        w.cells("#address-cells", 1).cells("#size-cells", 0);
        w.cells("timebase-frequency", (int) MachineClock.FREQUENCY_HZ);
        for (int h = 0; h < cpus; h++) {
            w.beginNode("cpu@" + Integer.toHexString(h));
            w.cells("phandle", cpu[h]).strings("device_type", "cpu").cells("reg", h);
            w.strings("status", "okay").strings("compatible", "riscv");
            w.strings("riscv,isa", Isa.deviceTreeIsa());
            w.strings("riscv,isa-base", Isa.ISA_BASE);
            w.strings("riscv,isa-extensions", Isa.deviceTreeExtensions().toArray(String[]::new));
            w.strings("mmu-type", Isa.MMU_TYPE);
            w.beginNode("interrupt-controller");
            // #address-cells = 0: an interrupt provider must say it (dtc checks; interrupt-map users need it).
            w.cells("#address-cells", 0).cells("#interrupt-cells", 1).property("interrupt-controller");
            w.strings("compatible", "riscv,cpu-intc").cells("phandle", intc[h]);
            w.endNode();
            w.endNode();
        }
        w.beginNode("cpu-map").beginNode("cluster0");
        for (int h = 0; h < cpus; h++) w.beginNode("core" + h).cells("cpu", cpu[h]).endNode();
        w.endNode().endNode();
        w.endNode();
    }

    /** {@code <intc[0] a intc[0] b intc[1] a ...>}: one pair of interrupt specifiers per hart. */
    private static int[] perHart(int[] intc, int first, int second) {
        int[] cells = new int[intc.length * 4];
        for (int h = 0; h < intc.length; h++) {
            cells[4 * h] = intc[h];
            cells[4 * h + 1] = first;
            cells[4 * h + 2] = intc[h];
            cells[4 * h + 3] = second;
        }
        return cells;
    }
}
