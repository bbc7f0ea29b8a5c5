package dev.vireo.kvm.acpi;

import dev.vireo.kvm.KvmMachineConfig.MmioSlot;
import dev.vireo.machine.bus.MmioDevice;
import dev.vireo.machine.memory.GuestMemory;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AcpiTablesTest {
    private static final MmioDevice NOTHING = new MmioDevice() {
        @Override
        public long read(long offset, int size) { return 0; }

        @Override
        public void write(long offset, int size, long value) { }
    };

    private static byte[] read(GuestMemory m, long address, int length) {
        byte[] b = new byte[length];
        m.read(address, b, 0, length);
        return b;
    }

    private static int sum(byte[] b) {
        int s = 0;
        for (byte x : b) s += x;
        return s & 0xFF;
    }

    private static byte[] table(GuestMemory m, long address) {
        return read(m, address, m.readInt(address + 4));
    }

    private static String signature(byte[] t) { return new String(t, 0, 4, StandardCharsets.US_ASCII); }

    @Test
    void rsdpLeadsThroughXsdtToChecksummedFadtDsdtAndMadt() {
        try (GuestMemory m = GuestMemory.allocate(0, 2 << 20)) {
            long rsdp = AcpiTables.write(m, 2, List.of(new MmioSlot(0xD000_0000L, 0x1000, 5, (memory, line) -> NOTHING)));

            byte[] r = read(m, rsdp, 36);
            assertThat(new String(r, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("RSD PTR ");
            assertThat(sum(read(m, rsdp, 20))).isZero();
            assertThat(sum(r)).isZero();
            byte[] xsdt = table(m, m.readLong(rsdp + 24));
            assertThat(signature(xsdt)).isEqualTo("XSDT");
            assertThat(sum(xsdt)).isZero();
            byte[] fadt = table(m, m.readLong(m.readLong(rsdp + 24) + 36));
            byte[] madt = table(m, m.readLong(m.readLong(rsdp + 24) + 44));
            assertThat(signature(fadt)).isEqualTo("FACP");
            assertThat(fadt.length).isEqualTo(276);
            assertThat(sum(fadt)).isZero();
            long fadtAt = m.readLong(m.readLong(rsdp + 24) + 36);
            assertThat(m.readInt(fadtAt + 112) & (1 << 20)).as("HW_REDUCED_ACPI").isNotZero();
            byte[] dsdt = table(m, m.readLong(fadtAt + 140));
            assertThat(signature(dsdt)).isEqualTo("DSDT");
            assertThat(sum(dsdt)).isZero();
            String aml = new String(dsdt, StandardCharsets.ISO_8859_1);
            assertThat(aml).contains("LNRO0005").contains("_SB_").contains("COM1").contains("V000").contains("_S5_");
            assertThat(HexFormat.of().formatHex(dsdt)).contains("0c41d00501")                // EisaId PNP0501
                    .contains("860900" + "01" + "000000d0" + "00100000")                     // Memory32Fixed
                    .contains("8906000101" + "05000000");                                    // Interrupt (level) {5}
            assertThat(signature(madt)).isEqualTo("APIC");
            assertThat(sum(madt)).isZero();
            assertThat(HexFormat.of().formatHex(madt, 44, 60)).isEqualTo("0008000001000000" + "0008010101000000");
        }
    }

    @Test
    void packageLengthUsesOneToFourBytes() {
        assertThat(Aml.packageLength(0x3E)).containsExactly(0x3F);
        assertThat(Aml.packageLength(0x3F)).containsExactly(0x41, 0x04);           // total 0x41
        assertThat(Aml.packageLength(0x100)).containsExactly(0x42, 0x10);          // total 0x102
        assertThat(Aml.packageLength(0x1000)).containsExactly(0x83, 0x00, 0x01);   // total 0x1003
    }

    @Test
    void encodesIntegersAndEisaIds() {
        assertThat(Aml.integer(0)).containsExactly(0x00);
        assertThat(Aml.integer(1)).containsExactly(0x01);
        assertThat(Aml.integer(5)).containsExactly(0x0A, 0x05);
        assertThat(Aml.integer(0x3F8)).containsExactly(0x0B, 0xF8, 0x03);
        assertThat(Aml.eisaId("PNP0501")).isEqualTo(0x0105_D041L);
        assertThat(Aml.eisaId("PNP0A03")).isEqualTo(0x030A_D041L);
    }
}
