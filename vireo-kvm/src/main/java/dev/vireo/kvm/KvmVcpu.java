package dev.vireo.kvm;

import dev.vireo.kvm.sys.Kvm;
import dev.vireo.kvm.sys.KvmRegs;
import dev.vireo.kvm.sys.KvmRun;
import dev.vireo.kvm.sys.KvmSregs;
import dev.vireo.kvm.sys.KvmVmArgs;
import dev.vireo.kvm.sys.ThreadSignals;
import dev.vireo.machine.bus.MmioBus;
import dev.vireo.machine.bus.PioBus;
import dev.vireo.machine.hypervisor.Vcpu;
import dev.vireo.machine.hypervisor.VmExit;
import dev.vireo.machine.nativeio.LibC;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One KVM vCPU: its fd, its {@code kvm_run} mapping and the thread that owns both.
 *
 * <p>Threads: {@link #create}, {@link #run()}, the set-up methods and {@link #close()} are called
 * only on the vCPU's own thread (KVM requires vCPU ioctls from the creating thread).
 * {@link #kick()} is called from any thread; it is race-free through the blocked-signal scheme
 * of {@link ThreadSignals} plus {@code immediate_exit}: a kick sent before, during or just
 * before KVM_RUN makes it return, and a spurious {@link VmExit.Kicked} is harmless.
 *
 * <p>Port and MMIO exits are dispatched to the machine's buses here; only what the machine must
 * decide on comes back from {@link #run()}.
 */
public final class KvmVcpu implements Vcpu {
    private static final int EINTR = 4, EAGAIN = 11;

    private final KvmVm vm;
    private final int id;
    private final int fd;
    private final MemorySegment runMapping;
    private final KvmRun run;
    private final long thread;
    private final PioBus pio;
    private final MmioBus mmio;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment callState = Kvm.newCallState(arena);
    private final Object kickLock = new Object();
    private boolean alive = true;

    private KvmVcpu(KvmVm vm, int id, int fd, MemorySegment runMapping, PioBus pio, MmioBus mmio) {
        this.vm = vm;
        this.id = id;
        this.fd = fd;
        this.runMapping = runMapping;
        this.run = new KvmRun(runMapping);
        this.pio = pio;
        this.mmio = mmio;
        this.thread = ThreadSignals.self();
    }

    /** Creates vCPU {@code id} (= APIC id) owned by the calling thread. */
    @SuppressWarnings("restricted") // the kvm_run mapping's size, see SAFETY below
    public static KvmVcpu create(KvmVm vm, int id, PioBus pio, MmioBus mmio) {
        int fd = Kvm.ioctl(vm.vmFd(), Kvm.CREATE_VCPU, id, "KVM_CREATE_VCPU(" + id + ")");
        MemorySegment mapping;
        try {
            // SAFETY: KVM maps exactly runMapSize bytes of kvm_run for this fd; the mapping
            // lives until close() unmaps it on this same thread.
            mapping = LibC.mmapShared(fd, vm.runMapSize()).reinterpret(vm.runMapSize());
        } catch (RuntimeException e) {
            Kvm.close(fd);
            throw e;
        }
        KvmVcpu vcpu = new KvmVcpu(vm, id, fd, mapping, pio, mmio);
        try {
            long kvmMask = ThreadSignals.blockKickSignal();
            try (Arena a = Arena.ofConfined()) {
                MemorySegment mask = a.allocate(KvmVmArgs.SIGNAL_MASK);
                mask.set(ValueLayout.JAVA_INT, 0, 8);
                mask.set(ValueLayout.JAVA_LONG_UNALIGNED, 4, kvmMask);
                vcpu.ioctl(Kvm.SET_SIGNAL_MASK, mask, "KVM_SET_SIGNAL_MASK");
            }
        } catch (RuntimeException e) {
            vcpu.close();
            throw e;
        }
        return vcpu;
    }

    @Override
    public int id() { return id; }

    KvmVm vm() { return vm; }

    /** A checked ioctl on this vCPU's fd (own thread only). */
    int ioctl(long request, MemorySegment arg, String what) {
        return Kvm.ioctl(fd, request, arg, what + " on vCPU " + id);
    }

    /** Sets the multiprocessing state (RUNNABLE for a vCPU that starts without INIT/SIPI). */
    public void setMpState(int state) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment arg = a.allocate(KvmVmArgs.MP_STATE);
            arg.set(ValueLayout.JAVA_INT, 0, state);
            ioctl(Kvm.SET_MP_STATE, arg, "KVM_SET_MP_STATE");
        }
    }

    @Override
    public VmExit run() {
        while (true) {
            int rc = Kvm.run(fd, callState);
            if (rc < 0) {
                if (rc == -EINTR || rc == -EAGAIN) return kicked();
                return new VmExit.Failure("KVM_RUN on vCPU " + id + " failed with errno " + -rc);
            }
            VmExit exit = dispatch();
            if (exit != null) return exit;
        }
    }

    private VmExit kicked() {
        run.setImmediateExit(false);
        ThreadSignals.consumeKick();
        return new VmExit.Kicked();
    }

    /** Handles the exit in {@code kvm_run}; returns null to re-enter the guest. */
    private VmExit dispatch() {
        return switch (run.exitReason()) {
            case KvmRun.EXIT_IO -> portIo();
            case KvmRun.EXIT_MMIO -> mmio();
            case KvmRun.EXIT_INTR -> kicked();
            case KvmRun.EXIT_HLT -> new VmExit.Halted();
            case KvmRun.EXIT_SHUTDOWN -> new VmExit.Shutdown("vCPU " + id + " shut down (triple fault)\n" + registerDump());
            case KvmRun.EXIT_SYSTEM_EVENT -> switch (run.systemEventType()) {
                case KvmRun.SYSTEM_EVENT_RESET -> new VmExit.Reset();
                case KvmRun.SYSTEM_EVENT_SHUTDOWN -> new VmExit.PowerOff(0);
                default -> new VmExit.Shutdown("vCPU " + id + " reported system event " + run.systemEventType()
                        + "\n" + registerDump());
            };
            case KvmRun.EXIT_FAIL_ENTRY -> new VmExit.Failure(String.format(
                    "vCPU %d: VM entry failed (hardware reason 0x%x)%n%s", id, run.failEntryReason(), registerDump()));
            case KvmRun.EXIT_INTERNAL_ERROR -> new VmExit.Failure(String.format(
                    "vCPU %d: KVM internal error (suberror %d)%n%s", id, run.internalSuberror(), registerDump()));
            default -> new VmExit.Failure("vCPU " + id + ": unexpected KVM exit reason " + run.exitReason()
                    + "\n" + registerDump());
        };
    }

    private VmExit portIo() {
        int port = run.ioPort(), size = run.ioSize(), count = run.ioCount();
        // SAFETY: KVM puts the I/O data inside the kvm_run mapping (data_offset is relative to its
        // start); the segment is bounds-checked, so a bad offset throws instead of reading elsewhere.
        long data = run.ioDataOffset();
        boolean write = run.ioDirection() == KvmRun.IO_OUT;
        VmExit unhandled = null;
        for (int i = 0; i < count; i++, data += size) {
            if (write) {
                long value = run.data(data, size);
                if (!pio.write(port, size, value) && unhandled == null) {
                    unhandled = new VmExit.UnhandledPio(port, size, true, value);
                }
            } else {
                long value = pio.read(port, size);
                if (value == -1 && !pio.isMapped(port) && unhandled == null) {
                    unhandled = new VmExit.UnhandledPio(port, size, false, -1);
                }
                run.setData(data, size, value);
            }
        }
        return unhandled;
    }

    private VmExit mmio() {
        long address = run.mmioAddress();
        int size = run.mmioLength();
        long data = run.mmioDataOffset();
        if (!mmio.isMapped(address)) {
            long value = run.mmioIsWrite() ? run.data(data, size) : -1;
            if (!run.mmioIsWrite()) run.setData(data, size, -1);
            return new VmExit.UnhandledMmio(address, size, run.mmioIsWrite(), value);
        }
        if (run.mmioIsWrite()) mmio.write(address, size, run.data(data, size));
        else run.setData(data, size, mmio.read(address, size));
        return null;
    }

    /** General and control registers, for reports of a failed or shut-down vCPU (own thread). */
    public String registerDump() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment regs = a.allocate(KvmRegs.LAYOUT);
            MemorySegment sregs = a.allocate(KvmSregs.LAYOUT);
            ioctl(Kvm.GET_REGS, regs, "KVM_GET_REGS");
            ioctl(Kvm.GET_SREGS, sregs, "KVM_GET_SREGS");
            return KvmRegs.dump(regs) + KvmSregs.dump(sregs);
        } catch (RuntimeException e) {
            return "(registers unavailable: " + e.getMessage() + ")";
        }
    }

    @Override
    public void kick() {
        synchronized (kickLock) {
            if (!alive) return;
            run.setImmediateExit(true);
            ThreadSignals.kick(thread);
        }
    }

    /** Releases the fd and mapping (own thread, after the last {@link #run()}). */
    public void close() {
        synchronized (kickLock) {
            if (!alive) return;
            alive = false;
        }
        ThreadSignals.consumeKick();
        LibC.munmap(runMapping, runMapping.byteSize());
        Kvm.close(fd);
        arena.close();
    }
}
