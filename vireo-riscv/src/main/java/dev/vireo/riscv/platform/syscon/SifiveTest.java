package dev.vireo.riscv.platform.syscon;

import dev.vireo.machine.bus.MmioDevice;
import dev.vireo.machine.lifecycle.StopReason;

import java.util.function.Consumer;

/**
 * SiFive's test finisher ({@code sifive,test0/test1}, QEMU's sifive_test), which Linux drives
 * through the generic syscon-poweroff/syscon-reboot nodes and OpenSBI through its syscon
 * reset driver. A 32-bit write to offset 0 whose low half is
 * 0x5555 powers off, 0x7777 resets, and 0x3333 fails with the exit code in the high half.
 * Reads return 0. Other values are ignored, as QEMU does.
 */
public final class SifiveTest implements MmioDevice {
    public static final long WINDOW_SIZE = 0x1000;
    public static final int FAIL = 0x3333, PASS = 0x5555, RESET = 0x7777;

    private final Consumer<StopReason> machine;

    /** @param machine receives the stop the guest asked for (called on the vCPU thread) */
    public SifiveTest(Consumer<StopReason> machine) {
        this.machine = machine;
    }

    @Override
    public long read(long offset, int size) {
        return 0;
    }

    @Override
    public void write(long offset, int size, long value) {
        if (offset != 0 || size < 4) return;
        int status = (int) value & 0xFFFF;
        int code = (int) (value >>> 16) & 0xFFFF;
        switch (status) {
            case PASS -> machine.accept(new StopReason.PowerOff());
            case RESET -> machine.accept(new StopReason.Reboot());
            case FAIL -> machine.accept(new StopReason.GuestFailure(code));
            default -> { }
        }
    }
}
