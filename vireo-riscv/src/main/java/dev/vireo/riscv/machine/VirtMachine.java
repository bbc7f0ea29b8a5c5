package dev.vireo.riscv.machine;

import dev.vireo.machine.bus.MmioBus;
import dev.vireo.machine.bus.MmioDevice;
import dev.vireo.machine.bus.RomDevice;
import dev.vireo.machine.irq.InterruptLine;
import dev.vireo.machine.lifecycle.Machine;
import dev.vireo.machine.lifecycle.StopReason;
import dev.vireo.machine.memory.GuestMemory;
import dev.vireo.riscv.MachineClock;
import dev.vireo.riscv.MachineException;
import dev.vireo.riscv.boot.BootLoader;
import dev.vireo.riscv.boot.FirmwareDynamicInfo;
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
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * QEMU's {@code virt} board around the emulated harts: RAM at 0x8000_0000, ACLINT, PLIC,
 * ns16550a UART, sifive_test, goldfish RTC, virtio-mmio slots, a mask ROM with the
 * fw_dynamic info, and a generated device tree. Built by {@link Builder} with everything
 * loaded and the harts reset; {@link #start()} gives each hart a platform thread named
 * {@code vireo-hart-N}.
 *
 * <p>Threads: hart threads run guest code and call devices; a device's stop request
 * ({@link SifiveTest}) or a hart fault lands in {@link #requestStop}; the owner's thread
 * waits in {@link #awaitStop()} and then closes the machine.
 */
public final class VirtMachine implements Machine {
    private static final long JOIN_TIMEOUT_MILLIS = 5_000;

    private final VirtConfig config;
    private final GuestMemory ram;
    private final List<Hart> harts;
    private final Uart16550 uart;
    private final GoldfishRtc rtc;
    private final BootLoader.Plan plan;
    private final AtomicReference<StopReason> stopReason = new AtomicReference<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final List<Thread> threads = new ArrayList<>();
    /** Slot devices with threads or host resources (virtio I/O threads), closed after the harts stop. */
    private final List<AutoCloseable> slotDevices = new ArrayList<>();
    private boolean started, closed;

    private VirtMachine(Builder b) {
        this.config = b.config;
        this.ram = GuestMemory.allocate(VirtMemoryMap.RAM, config.memoryBytes());
        try {
            MmioBus bus = new MmioBus();
            MachineClock clock = new MachineClock();
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

            this.plan = BootLoader.load(ram, config.firmware(), config.kernel(), config.initrd(),
                    (initrdStart, initrdEnd) -> VirtDeviceTree.build(new VirtDeviceTree.Contents(
                            config.cpus(), config.memoryBytes(), config.bootargs(), initrdStart, initrdEnd, slots)));

            Reservations reservations = new Reservations(config.cpus());
            for (int h = 0; h < config.cpus(); h++) hartArray[h] = new Hart(h, ram, bus, clock, reservations);
            this.harts = List.of(hartArray);

            bus.register(VirtMemoryMap.ROM, VirtMemoryMap.ROM_SIZE,
                    new RomDevice(FirmwareDynamicInfo.forKernel(plan.kernelEntry()).toBytes()));
            bus.register(VirtMemoryMap.TEST, SifiveTest.WINDOW_SIZE, new SifiveTest(this::requestStop));
            bus.register(VirtMemoryMap.RTC, GoldfishRtc.WINDOW_SIZE, rtc);
            bus.register(VirtMemoryMap.ACLINT, Aclint.WINDOW_SIZE, new Aclint(harts.stream().map(VirtMachine::aclintView).toList(), clock));
            bus.register(VirtMemoryMap.PLIC, Plic.WINDOW_SIZE, plic);
            bus.register(VirtMemoryMap.UART, VirtMemoryMap.UART_SIZE, uart);
            for (int slot = 0; slot < b.virtio.size(); slot++) {
                MmioDevice device = b.virtio.get(slot).apply(ram, plic.source(VirtMemoryMap.VIRTIO_IRQ_FIRST + slot));
                if (device instanceof AutoCloseable closeable) slotDevices.add(closeable);
                bus.register(VirtMemoryMap.virtioSlot(slot), VirtMemoryMap.VIRTIO_STRIDE, device);
            }
            // Every hart starts in the firmware (or the bare-metal entry) as QEMU's reset
            // vector leaves it: a0 = hartid, a1 = device tree, a2 = fw_dynamic info.
            for (Hart hart : harts) hart.reset(plan.entry(), hart.hartId(), plan.fdtAddress(), VirtMemoryMap.ROM);
        } catch (RuntimeException e) {
            closeSlotDevices();
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
        try {
            hart.run();
        } catch (Throwable t) {
            requestStop(new StopReason.Fault(faultReport(hart, t)));
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
            stopped.countDown();
        }
    }

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
        // Device I/O threads stop before RAM goes away: they write used rings into it.
        closeSlotDevices();
        // SAFETY: RAM is unmapped only when no hart thread can still touch it; a hart that
        // would not stop keeps the mapping alive (a leak, never a host crash).
        if (joined) ram.close();
    }

    private void closeSlotDevices() {
        for (AutoCloseable device : slotDevices) {
            try {
                device.close();
            } catch (Exception e) {
                System.getLogger(VirtMachine.class.getName()).log(System.Logger.Level.WARNING,
                        "closing a virtio-mmio device failed: {0}", e.toString());
            }
        }
        slotDevices.clear();
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
        private final List<BiFunction<GuestMemory, InterruptLine, MmioDevice>> virtio = new ArrayList<>();

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
            return addVirtioMmio((ram, line) -> device.apply(line));
        }

        /**
         * As {@link #addVirtioMmio(Function)}, for devices that reach guest RAM (virtio queues):
         * the factory also receives the machine's RAM. A device that is {@link AutoCloseable}
         * is closed when the machine closes, after the harts have stopped and before RAM is
         * unmapped.
         */
        public Builder addVirtioMmio(BiFunction<GuestMemory, InterruptLine, MmioDevice> device) {
            if (virtio.size() == VirtMemoryMap.VIRTIO_SLOTS) {
                throw new MachineException("at most " + VirtMemoryMap.VIRTIO_SLOTS + " virtio devices fit the virt machine");
            }
            virtio.add(device);
            return this;
        }

        public VirtMachine build() {
            return new VirtMachine(this);
        }
    }
}
