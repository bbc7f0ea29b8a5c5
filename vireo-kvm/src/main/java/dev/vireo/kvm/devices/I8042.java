package dev.vireo.kvm.devices;

import dev.vireo.machine.bus.PioDevice;

/**
 * The PC keyboard controller, reduced to what a VM needs: port 0x64 reads an empty status,
 * port 0x60 reads zero, and the command 0xFE (pulse the CPU reset line) written to port 0x64
 * asks for a reset, which Vireo treats as the end of the VM unless asked to reboot. Register it
 * twice: once at {@link #DATA_PORT}, once at {@link #COMMAND_PORT}; both share one instance.
 */
public final class I8042 implements PioDevice {
    public static final int DATA_PORT = 0x60, COMMAND_PORT = 0x64;
    public static final int CMD_RESET_CPU = 0xFE;

    private final Runnable resetRequested;
    private final int portOfThisView;

    private I8042(int port, Runnable resetRequested) {
        this.portOfThisView = port;
        this.resetRequested = resetRequested;
    }

    /** The device's view at the data port (0x60). */
    public static I8042 dataPort(Runnable resetRequested) { return new I8042(DATA_PORT, resetRequested); }

    /** The device's view at the command/status port (0x64); a write of 0xFE calls {@code resetRequested}. */
    public static I8042 commandPort(Runnable resetRequested) { return new I8042(COMMAND_PORT, resetRequested); }

    @Override
    public long read(int offset, int size) {
        return 0;   // status: output buffer empty, input buffer empty; data: nothing
    }

    @Override
    public void write(int offset, int size, long value) {
        if (portOfThisView == COMMAND_PORT && (value & 0xFF) == CMD_RESET_CPU) resetRequested.run();
    }
}
