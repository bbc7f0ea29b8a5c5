package dev.vireo.kvm.acpi;

import dev.vireo.kvm.KvmMachineConfig.MmioSlot;
import dev.vireo.kvm.boot.LowMemory;
import dev.vireo.kvm.devices.AcpiSleepControl;
import dev.vireo.kvm.devices.I8042;
import dev.vireo.kvm.devices.Uart8250;
import dev.vireo.machine.memory.GuestMemory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The ACPI tables of a hardware-reduced PC (ACPI 6.4 §5.2), written to [0xE0000, 0x100000):
 * RSDP → XSDT → {FADT → DSDT, MADT}. The MADT announces every vCPU (stock distribution kernels
 * find CPUs only there); the DSDT describes COM1, the virtio-mmio devices as {@code LNRO0005}
 * and the {@code \_S5} sleep type; the FADT points reset at the i8042 (0xFE to port 0x64) and
 * sleep at {@link AcpiSleepControl}. Every table's bytes sum to zero.
 */
public final class AcpiTables {
    public static final long RSDP = LowMemory.ACPI_BASE;
    public static final long LAPIC_ADDRESS = 0xFEE0_0000L, IOAPIC_ADDRESS = 0xFEC0_0000L;
    static final byte[] OEM_ID = "VIREO ".getBytes(StandardCharsets.US_ASCII);
    private static final int FADT_HW_REDUCED_ACPI = 1 << 20, FADT_RESET_REG_SUP = 1 << 10;
    private static final int IAPC_VGA_NOT_PRESENT = 1 << 2, IAPC_CMOS_RTC_NOT_PRESENT = 1 << 5;

    private AcpiTables() {}

    /** Writes all tables for {@code vcpus} CPUs and {@code devices}; returns the RSDP address. */
    public static long write(GuestMemory memory, int vcpus, List<MmioSlot> devices) {
        long at = RSDP + 64;
        byte[] dsdt = dsdt(devices);
        long dsdtAt = at;
        at = align(at + dsdt.length);
        byte[] fadt = fadt(dsdtAt);
        long fadtAt = at;
        at = align(at + fadt.length);
        byte[] madt = madt(vcpus);
        long madtAt = at;
        at = align(at + madt.length);
        byte[] xsdt = xsdt(fadtAt, madtAt);
        long xsdtAt = at;
        at += xsdt.length;
        if (at > LowMemory.KERNEL_MIN) throw new IllegalStateException("ACPI tables overflow the BIOS area");
        memory.write(dsdtAt, dsdt);
        memory.write(fadtAt, fadt);
        memory.write(madtAt, madt);
        memory.write(xsdtAt, xsdt);
        memory.write(RSDP, rsdp(xsdtAt));
        return RSDP;
    }

    private static long align(long v) { return (v + 15) & ~15L; }

    /** Root System Description Pointer, revision 2 (36 bytes; §5.2.5.3). */
    static byte[] rsdp(long xsdt) {
        ByteBuffer b = ByteBuffer.allocate(36).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RSD PTR ".getBytes(StandardCharsets.US_ASCII)).put((byte) 0).put(OEM_ID).put((byte) 2)
                .putInt(0).putInt(36).putLong(xsdt);
        byte[] t = b.array();
        t[8] = checksum(t, 0, 20);
        t[32] = checksum(t, 0, 36);
        return t;
    }

    static byte[] xsdt(long... tables) {
        ByteBuffer b = header("XSDT", 36 + 8 * tables.length, 1);
        for (long t : tables) b.putLong(t);
        return finish(b);
    }

    /** Fixed ACPI Description Table, revision 6 (276 bytes; §5.2.9), hardware-reduced. */
    static byte[] fadt(long dsdt) {
        ByteBuffer b = header("FACP", 276, 6);
        b.putInt(40, (int) dsdt);
        b.putShort(109, (short) (IAPC_VGA_NOT_PRESENT | IAPC_CMOS_RTC_NOT_PRESENT));
        b.putInt(112, FADT_HW_REDUCED_ACPI | FADT_RESET_REG_SUP);
        putIoRegister(b, 116, I8042.COMMAND_PORT);               // RESET_REG
        b.put(128, (byte) I8042.CMD_RESET_CPU);                  // RESET_VALUE
        b.put(131, (byte) 0);                                    // FADT minor version
        b.putLong(140, dsdt);                                    // X_DSDT
        putIoRegister(b, 244, AcpiSleepControl.PORT);            // SLEEP_CONTROL_REG
        putIoRegister(b, 256, AcpiSleepControl.PORT);            // SLEEP_STATUS_REG
        b.put(268, "VIREOKVM".getBytes(StandardCharsets.US_ASCII));
        return finish(b);
    }

    /** A Generic Address Structure for one byte in system I/O space (§5.2.3.2). */
    private static void putIoRegister(ByteBuffer b, int at, int port) {
        b.put(at, (byte) 1).put(at + 1, (byte) 8).put(at + 2, (byte) 0).put(at + 3, (byte) 1).putLong(at + 4, port);
    }

    /** Multiple APIC Description Table (§5.2.12): one LAPIC per vCPU, the IOAPIC, IRQ0 → GSI 2. */
    static byte[] madt(int vcpus) {
        ByteBuffer b = header("APIC", 44 + 8 * vcpus + 12 + 10, 5);
        b.position(36);
        b.putInt((int) LAPIC_ADDRESS).putInt(1);    // PCAT_COMPAT: the 8259s exist (masked by Linux)
        for (int i = 0; i < vcpus; i++) {
            b.put((byte) 0).put((byte) 8).put((byte) i).put((byte) i).putInt(1);  // enabled
        }
        b.put((byte) 1).put((byte) 12).put((byte) 0).put((byte) 0).putInt((int) IOAPIC_ADDRESS).putInt(0);
        b.put((byte) 2).put((byte) 10).put((byte) 0).put((byte) 0).putInt(2).putShort((short) 0);
        return finish(b);
    }

    /** Differentiated System Description Table (§5.2.11.1) holding the AML device tree. */
    static byte[] dsdt(List<MmioSlot> devices) {
        byte[] com1 = Aml.device("COM1", Aml.concat(
                Aml.name("_HID", Aml.integer(Aml.eisaId("PNP0501"))),
                Aml.name("_UID", Aml.integer(0)),
                Aml.name("_CRS", Aml.resourceTemplate(
                        Aml.ioPorts(Uart8250.COM1_PORT, Uart8250.PORT_COUNT), Aml.isaIrq(Uart8250.COM1_IRQ)))));
        byte[] body = com1;
        for (int i = 0; i < devices.size(); i++) {
            MmioSlot d = devices.get(i);
            body = Aml.concat(body, Aml.device(String.format("V%03X", i), Aml.concat(
                    Aml.name("_HID", Aml.string("LNRO0005")),
                    Aml.name("_UID", Aml.integer(i)),
                    Aml.name("_CCA", Aml.integer(1)),
                    Aml.name("_CRS", Aml.resourceTemplate(
                            Aml.memory32Fixed(d.base(), d.size()), Aml.levelInterrupt(d.irq()))))));
        }
        byte[] aml = Aml.concat(Aml.rootScope("_SB_", body),
                Aml.name("_S5_", Aml.packageOf(Aml.integer(AcpiSleepControl.SLEEP_TYPE_S5), Aml.integer(0))));
        ByteBuffer b = header("DSDT", 36 + aml.length, 2);
        b.put(36, aml);
        return finish(b);
    }

    private static ByteBuffer header(String signature, int length, int revision) {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(signature.getBytes(StandardCharsets.US_ASCII)).putInt(length).put((byte) revision).put((byte) 0)
                .put(OEM_ID).put("VIREOKVM".getBytes(StandardCharsets.US_ASCII)).putInt(1)
                .put("VIRE".getBytes(StandardCharsets.US_ASCII)).putInt(1);
        return b;
    }

    private static byte[] finish(ByteBuffer b) {
        byte[] t = b.array();
        t[9] = checksum(t, 0, t.length);
        return t;
    }

    /** The byte that makes {@code t[from, to)} sum to zero (the checksum byte itself must be zero). */
    static byte checksum(byte[] t, int from, int to) {
        int sum = 0;
        for (int i = from; i < to; i++) sum += t[i];
        return (byte) -sum;
    }
}
