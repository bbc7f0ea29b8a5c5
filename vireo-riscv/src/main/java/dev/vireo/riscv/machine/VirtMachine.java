package dev.vireo.riscv.machine;

import dev.vireo.machine.bus.MmioBus;
import dev.vireo.machine.bus.MmioDevice;
import dev.vireo.machine.bus.MmioDeviceFactory;
import dev.vireo.machine.bus.RomDevice;
import dev.vireo.machine.irq.InterruptLine;
import dev.vireo.machine.lifecycle.Machine;
import dev.vireo.machine.lifecycle.StopReason;
import dev.vireo.machine.memory.GuestMemory;
import dev.vireo.machine.virtio.input.InputConfig;
import dev.vireo.machine.virtio.input.InputDevice;
import dev.vireo.machine.virtio.input.InputEvents;
import dev.vireo.machine.virtio.mmio.VirtioMmioTransport;
import dev.vireo.riscv.MachineClock;
import dev.vireo.riscv.MachineException;
import dev.vireo.riscv.PauseGate;
import dev.vireo.riscv.boot.BootLoader;
import dev.vireo.riscv.boot.FirmwareDynamicInfo;
import dev.vireo.riscv.cpu.BlockTable;
import dev.vireo.riscv.cpu.Hart;
import dev.vireo.riscv.cpu.Reservations;
import dev.vireo.riscv.platform.aclint.Aclint;
import dev.vireo.riscv.platform.plic.Plic;
import dev.vireo.riscv.platform.rtc.GoldfishRtc;
import dev.vireo.riscv.platform.syscon.SifiveTest;
import dev.vireo.riscv.platform.uart.SerialOutput;
import dev.vireo.riscv.platform.uart.Uart16550;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * QEMU's {@code virt} board around the emulated harts: RAM at 0x8000_0000, ACLINT, PLIC,
 * ns16550a UART, sifive_test, goldfish RTC, virtio-mmio slots, a mask ROM with the
 * fw_dynamic info, and a generated device tree. Built by {@link Builder} with everything
 * loaded and the harts reset; {@link #start()} gives each hart a platform thread named
 * {@code vireo-hart-N}.
 *
 * <p>{@link #pause()} parks every hart at the {@link PauseGate} and freezes the guest clock;
 * {@link #pressPowerButton()} asks the guest to shut down through the virtio-input power
 * button in the last virtio-mmio slot.
 *
 * <p>Threads: hart threads run guest code and call devices; a device's stop request
 * ({@link SifiveTest}) or a hart fault lands in {@link #requestStop}; the owner's thread
 * waits in {@link #awaitStop()} and then closes the machine.
 */
public final class VirtMachine implements Machine {
    private static final long JOIN_TIMEOUT_MILLIS = 5_000;
    /** A hart reaches the gate within one batch (or at once from WFI); this bounds a wedged one. */
    private static final long PAUSE_TIMEOUT_MILLIS = 5_000;

    private final VirtConfig config;
    private final GuestMemory ram;
    private final List<Hart> harts;
    private final Uart16550 uart;
    private final GoldfishRtc rtc;
    private final InputDevice powerButton;
    private final BootLoader.Plan plan;
    private final MachineClock clock = new MachineClock();
    private final PauseGate pauseGate = new PauseGate();
    /** Serializes {@link #pause()} and {@link #resume()} (the VMM's control thread), apart from the machine's own lock. */
    private final Object pauseLock = new Object();
    private boolean paused; // guarded by pauseLock
    private final AtomicReference<StopReason> stopReason = new AtomicReference<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final List<Thread> threads = new ArrayList<>();
    /** Attached devices, closed with the machine when they hold resources (I/O threads, files). */
    private final List<MmioDevice> devices = new ArrayList<>();
    private boolean started, closed;

    private VirtMachine(Builder b) {
        this.config = b.config;
        this.ram = GuestMemory.allocate(VirtMemoryMap.RAM, config.memoryBytes());
        try {
            MmioBus bus = new MmioBus();
            // Images are loaded before the harts exist, so a bad kernel or too little memory
            // is reported without building CPUs; the PLIC reaches the harts through this array.
            Hart[] hartArray = new Hart[config.cpus()];
            List<InterruptLine> contexts = new ArrayList<>();
            for (int h = 0; h < config.cpus(); h++) {
                int id = h;
                contexts.add(level -> hartArray[id].setExternalInterrupt(3, level)); // context 2h: M-mode
                contexts.add(level -> hartArray[id].setExternalInterrupt(1, level)); // context 2h+1: S-mode
            }
            Plic plic = new Plic(contexts);
            this.uart = new Uart16550(plic.source(VirtMemoryMap.UART_IRQ), b.serialOutput);
            this.rtc = new GoldfishRtc(plic.source(VirtMemoryMap.RTC_IRQ));
            boolean[] slots = new boolean[VirtMemoryMap.VIRTIO_SLOTS];
            for (int slot = 0; slot < b.virtio.size(); slot++) slots[slot] = true;
            slots[VirtMemoryMap.POWER_BUTTON_SLOT] = true;

            this.plan = BootLoader.load(ram, config.firmware(), config.kernel(), config.initrd(),
                    (initrdStart, initrdEnd) -> VirtDeviceTree.build(new VirtDeviceTree.Contents(
                            config.cpus(), config.memoryBytes(), config.bootargs(), initrdStart, initrdEnd, slots)));

            Reservations reservations = new Reservations(config.cpus());
            BlockTable blockTable = new BlockTable(); // the harts translate each block of this RAM once
            for (int h = 0; h < config.cpus(); h++) {
                hartArray[h] = new Hart(h, ram, bus, clock, reservations, blockTable);
                hartArray[h].pauseGate(pauseGate);
            }
            this.harts = List.of(hartArray);

            bus.register(VirtMemoryMap.ROM, VirtMemoryMap.ROM_SIZE,
                    new RomDevice(FirmwareDynamicInfo.forKernel(plan.kernelEntry()).toBytes()));
            bus.register(VirtMemoryMap.TEST, SifiveTest.WINDOW_SIZE, new SifiveTest(this::requestStop));
            bus.register(VirtMemoryMap.RTC, GoldfishRtc.WINDOW_SIZE, rtc);
            bus.register(VirtMemoryMap.ACLINT, Aclint.WINDOW_SIZE, new Aclint(harts.stream().map(VirtMachine::aclintView).toList(), clock));
            bus.register(VirtMemoryMap.PLIC, Plic.WINDOW_SIZE, plic);
            bus.register(VirtMemoryMap.UART, VirtMemoryMap.UART_SIZE, uart);
            for (int slot = 0; slot < b.virtio.size(); slot++) {
                MmioDevice device = b.virtio.get(slot).create(ram, plic.source(VirtMemoryMap.VIRTIO_IRQ_FIRST + slot));
                devices.add(device);
                bus.register(VirtMemoryMap.virtioSlot(slot), VirtMemoryMap.VIRTIO_STRIDE, device);
            }
            // The board's power button: what a cooperative shutdown presses (the guest's evdev
            // + acpid or systemd-logind turn KEY_POWER into an orderly poweroff).
            this.powerButton = new InputDevice("power", InputConfig.powerButton());
            VirtioMmioTransport button = new VirtioMmioTransport("virtio-input power", ram, powerButton,
                    plic.source(VirtMemoryMap.VIRTIO_IRQ_FIRST + VirtMemoryMap.POWER_BUTTON_SLOT));
            devices.add(button);
            bus.register(VirtMemoryMap.virtioSlot(VirtMemoryMap.POWER_BUTTON_SLOT), VirtMemoryMap.VIRTIO_STRIDE, button);
            // Every hart starts in the firmware (or the bare-metal entry) as QEMU's reset
            // vector leaves it: a0 = hartid, a1 = device tree, a2 = fw_dynamic info.
            for (Hart hart : harts) hart.reset(plan.entry(), hart.hartId(), plan.fdtAddress(), VirtMemoryMap.ROM);
        } catch (RuntimeException e) {
            closeDevices();
            ram.close();
            throw e;
        }
    }

    public static Builder builder(VirtConfig config) {
        return new Builder(config);
    }

    /** The console UART: feed it host input with {@link Uart16550#receive}. */
    public Uart16550 uart() { return uart; }

    public VirtConfig config() { return config; }

    public BootLoader.Plan bootPlan() { return plan; }

    public GuestMemory memory() { return ram; }

    /**
     * Presses and releases the power button (virtio-input KEY_POWER, slot
     * {@link VirtMemoryMap#POWER_BUTTON_SLOT}). Returns false when the guest has no driver
     * running the button (not booted that far, or a guest without virtio_input): nobody would hear it.
     */
    public boolean pressPowerButton() {
        return powerButton.pressAndRelease(InputEvents.KEY_POWER);
    }

    @Override
    public synchronized void start() {
        if (started) throw new IllegalStateException("machine already started");
        started = true;
        for (Hart hart : harts) {
            Thread t = Thread.ofPlatform().name("vireo-hart-" + hart.hartId()).unstarted(() -> runHart(hart));
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    private void runHart(Hart hart) {
        // Made before the hart runs: if its failure is that classes cannot be loaded (a jar
        // replaced under the running VM), building the report may fail the same way, and the
        // machine must still stop rather than wait forever for a hart that is gone.
        StopReason unreported = new StopReason.Fault("hart " + hart.hartId() + " failed, and so did its fault report");
        try {
            hart.run();
        } catch (Throwable t) {
            try {
                requestStop(new StopReason.Fault(faultReport(hart, t)));
            } catch (Throwable reportFailed) {
                requestStop(unreported);
            }
        }
    }

    private static String faultReport(Hart hart, Throwable t) {
        StringBuilder s = new StringBuilder("hart ").append(hart.hartId()).append(" failed: ").append(t);
        try {
            s.append(String.format(" at pc=0x%x priv=%d", hart.pc(), hart.privilege()));
            for (int i = 1; i < 32; i++) s.append(String.format(" x%d=0x%x", i, hart.x(i)));
        } catch (RuntimeException ignored) {
            // The hart's state may be what broke; the exception above still says what happened.
        }
        return s.toString();
    }

    @Override
    public void requestStop(StopReason reason) {
        if (stopReason.compareAndSet(null, reason)) {
            for (Hart hart : harts) hart.requestStop();
            pauseGate.abort(); // a paused machine stops too: its harts leave the gate and end
            stopped.countDown();
        }
    }

    /**
     * Pauses the guest: returns once every hart is parked at an instruction boundary (between
     * interpreter batches, or out of WFI) and the guest clock ({@code mtime}, the {@code time}
     * CSR) is frozen, so after {@link #resume()} the guest sees no time jump and its timers fire
     * relative to the time it ran. Devices need no gate of their own: their queues are only
     * served after a notify from a hart, so at most requests already in flight complete. The
     * goldfish RTC is wall-clock time and runs on, as a real RTC does. Idempotent.
     *
     * @throws IllegalStateException if the machine is not running (not started, or stopping)
     * @throws MachineException if a hart does not reach the gate in time (the machine runs on)
     */
    public void pause() throws InterruptedException {
        synchronized (pauseLock) {
            if (!isStarted() || stopReason.get() != null) throw new IllegalStateException("the machine is not running");
            if (paused) return;
            pauseGate.close();
            for (Hart hart : harts) hart.wake(); // out of WFI, to the gate
            if (!pauseGate.awaitParked(harts.size(), PAUSE_TIMEOUT_MILLIS)) {
                pauseGate.open();
                if (stopReason.get() != null) throw new IllegalStateException("the machine stopped while pausing");
                throw new MachineException("a hart did not reach a pause point within " + PAUSE_TIMEOUT_MILLIS
                        + " ms; the machine keeps running");
            }
            clock.freeze();
            paused = true;
        }
    }

    /** Lets a paused machine run on from where it stopped, guest time included. Idempotent. */
    public void resume() {
        synchronized (pauseLock) {
            if (!paused) return;
            clock.thaw();
            paused = false;
            pauseGate.open();
        }
    }

    public boolean isPaused() {
        synchronized (pauseLock) {
            return paused;
        }
    }

    private synchronized boolean isStarted() { return started; }

    /** Instructions retired by every hart so far (exact while paused; between batches otherwise). */
    public long instructionsRetired() {
        long sum = 0;
        for (Hart hart : harts) sum += hart.instret();
        return sum;
    }

    /** The guest clock's mtime now (frozen while paused). */
    public long mtime() { return clock.mtime(); }

    List<Hart> harts() { return harts; }

    @Override
    public StopReason awaitStop() throws InterruptedException {
        stopped.await();
        joinHarts();
        return stopReason.get();
    }

    /** Waits for the hart threads; returns false if one would not stop. */
    private boolean joinHarts() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(JOIN_TIMEOUT_MILLIS);
        boolean all = true;
        for (Thread t : threads) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            t.join(Math.max(1, left));
            all &= !t.isAlive();
        }
        return all;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        requestStop(new StopReason.HostRequest("machine closed"));
        rtc.close();
        boolean joined;
        try {
            joined = joinHarts();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            joined = false;
        }
        closeDevices();
        // SAFETY: RAM is unmapped only when no hart thread can still touch it; a hart that
        // would not stop keeps the mapping alive (a leak, never a host crash).
        if (joined) ram.close();
    }

    private void closeDevices() {
        for (MmioDevice device : devices) {
            if (device instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    // Closing is best effort; the machine is going away either way.
                }
            }
        }
    }

    private static dev.vireo.riscv.platform.aclint.AclintHart aclintView(Hart hart) {
        return new dev.vireo.riscv.platform.aclint.AclintHart() {
            @Override public void setSoftwareInterrupt(boolean level) { hart.setSoftwareInterrupt(level); }
            @Override public boolean softwareInterrupt() { return hart.softwareInterrupt(); }
            @Override public void setMtimecmp(long value) { hart.setMtimecmp(value); }
            @Override public long mtimecmp() { return hart.mtimecmp(); }
        };
    }

    /** Assembles a machine; {@link #build()} allocates RAM, loads the images and resets the harts. */
    public static final class Builder {
        private final VirtConfig config;
        private SerialOutput serialOutput = SerialOutput.DISCARD;
        private final List<MmioDeviceFactory> virtio = new ArrayList<>();

        private Builder(VirtConfig config) {
            this.config = config;
        }

        /** Where the console UART's output goes. */
        public Builder serialOutput(SerialOutput output) {
            this.serialOutput = output;
            return this;
        }

        /**
         * Attaches a virtio-mmio device in the next free slot (0x1000_1000 + n×0x1000, PLIC
         * source n+1). The factory receives the slot's interrupt line; it is called once per
         * built machine (again after a reboot).
         */
        public Builder addVirtioMmio(Function<InterruptLine, MmioDevice> device) {
            return addVirtioMmio((memory, interrupt) -> device.apply(interrupt));
        }

        /** As {@link #addVirtioMmio(Function)}, for devices that also need guest RAM (virtqueues live there). */
        public Builder addVirtioMmio(MmioDeviceFactory device) {
            if (virtio.size() == VirtMemoryMap.ATTACHABLE_VIRTIO_SLOTS) {
                throw new MachineException("at most " + VirtMemoryMap.ATTACHABLE_VIRTIO_SLOTS
                        + " virtio devices fit the virt machine (its last virtio-mmio slot is the power button)");
            }
            virtio.add(device);
            return this;
        }

        public VirtMachine build() {
            return new VirtMachine(this);
        }
    }
}
