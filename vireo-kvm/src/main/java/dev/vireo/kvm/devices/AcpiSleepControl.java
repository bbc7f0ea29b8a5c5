package dev.vireo.kvm.devices;

import dev.vireo.machine.bus.PioDevice;

/**
 * The ACPI hardware-reduced sleep control register (ACPI 6.4 §4.8.3.7), one byte at
 * {@link #PORT}: writing SLP_EN (bit 5) with SLP_TYP (bits 2..4) = 5, the value the DSDT's
 * {@code \_S5} names, powers the VM off. Linux does this for {@code poweroff}; small guests
 * can write 0x34 to the port directly.
 */
public final class AcpiSleepControl implements PioDevice {
    public static final int PORT = 0x3C0;
    public static final int SLEEP_TYPE_S5 = 5, SLEEP_ENABLE = 0x20;

    private final Runnable powerOff;

    public AcpiSleepControl(Runnable powerOff) { this.powerOff = powerOff; }

    @Override
    public long read(int offset, int size) { return 0; }

    @Override
    public void write(int offset, int size, long value) {
        if ((value & SLEEP_ENABLE) != 0 && ((value >> 2) & 7) == SLEEP_TYPE_S5) powerOff.run();
    }
}
