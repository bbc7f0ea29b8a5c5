package dev.vireo.kvm;

import dev.vireo.kvm.sys.EventFd;
import dev.vireo.kvm.sys.Kvm;
import dev.vireo.kvm.sys.KvmCpuid2;
import dev.vireo.kvm.sys.KvmIoeventfd;
import dev.vireo.kvm.sys.KvmIrqfd;
import dev.vireo.kvm.sys.KvmUserspaceMemoryRegion;
import dev.vireo.kvm.sys.KvmVmArgs;
import dev.vireo.machine.hypervisor.Vm;
import dev.vireo.machine.irq.InterruptLine;
import dev.vireo.machine.memory.GuestMemory;
import dev.vireo.machine.nativeio.NativeException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * One KVM virtual machine: the VM fd, its RAM slot, the in-kernel interrupt controllers
 * (PIC, IOAPIC, per-vCPU LAPIC) and PIT, and the host's supported CPUID table.
 *
 * <p>Set-up order follows the KVM API: TSS and identity-map addresses and the irqchip before
 * any vCPU exists. VM-level ioctls (IRQ_LINE, IRQFD) may come from any thread; vCPUs are
 * created by {@link KvmVcpu#create} on their own threads. Closing releases every fd this VM
 * opened; its vCPUs must be closed first (their threads do that).
 */
public final class KvmVm implements Vm {
    /** Three pages KVM needs on Intel for real-mode emulation, inside the MMIO gap below 4 GiB. */
    public static final long TSS_ADDRESS = 0xFFFB_D000L, IDENTITY_MAP_ADDRESS = 0xFFFB_C000L;
    private static final int E2BIG = 7;

    private final int systemFd;
    private final int vmFd;
    private final int runMapSize;
    private final GuestMemory memory;
    private final int vcpuCount;
    private final Arena arena = Arena.ofAuto();   // the CPUID table: freed with this object, even if set-up fails
    private final MemorySegment supportedCpuid;
    private final boolean tscDeadline;
    private final List<EventFd> eventFds = new ArrayList<>();   // irqfds and ioeventfds
    private boolean closed;

    private KvmVm(int systemFd, int vmFd, GuestMemory memory, int vcpuCount) {
        this.systemFd = systemFd;
        this.vmFd = vmFd;
        this.memory = memory;
        this.vcpuCount = vcpuCount;
        this.runMapSize = Kvm.ioctl(systemFd, Kvm.GET_VCPU_MMAP_SIZE, 0, "KVM_GET_VCPU_MMAP_SIZE");
        this.supportedCpuid = readSupportedCpuid();
        this.tscDeadline = Kvm.ioctl(systemFd, Kvm.CHECK_EXTENSION, Kvm.CAP_TSC_DEADLINE_TIMER, "KVM_CHECK_EXTENSION") > 0;
    }

    /**
     * Creates a VM with {@code memory} as its RAM (slot 0), an in-kernel irqchip and PIT.
     *
     * @throws KvmException if KVM is missing or lacks a capability Vireo needs
     */
    public static KvmVm create(GuestMemory memory, int vcpuCount) {
        if (vcpuCount < 1 || vcpuCount > 255) throw new KvmException("vCPU count must be 1..255, got " + vcpuCount);
        int systemFd = KvmHypervisor.openDevice();
        int vmFd = -1;
        KvmVm vm = null;
        try {
            for (int cap : new int[] {Kvm.CAP_IRQCHIP, Kvm.CAP_USER_MEMORY, Kvm.CAP_SET_TSS_ADDR, Kvm.CAP_PIT2,
                    Kvm.CAP_IMMEDIATE_EXIT}) {
                if (Kvm.ioctl(systemFd, Kvm.CHECK_EXTENSION, cap, "KVM_CHECK_EXTENSION(" + cap + ")") <= 0) {
                    throw new KvmException("this host's KVM lacks capability " + cap + " that Vireo needs");
                }
            }
            vmFd = Kvm.ioctl(systemFd, Kvm.CREATE_VM, 0, "KVM_CREATE_VM");
            vm = new KvmVm(systemFd, vmFd, memory, vcpuCount);   // from here on, vm owns both fds
            vm.setUp();
            return vm;
        } catch (RuntimeException e) {
            if (vm != null) {
                vm.close();
            } else {
                if (vmFd >= 0) Kvm.close(vmFd);
                Kvm.close(systemFd);
            }
            throw e;
        }
    }

    private void setUp() {
        Kvm.ioctl(vmFd, Kvm.SET_TSS_ADDR, TSS_ADDRESS, "KVM_SET_TSS_ADDR");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment address = a.allocateFrom(ValueLayout.JAVA_LONG, IDENTITY_MAP_ADDRESS);
            Kvm.ioctl(vmFd, Kvm.SET_IDENTITY_MAP_ADDR, address, "KVM_SET_IDENTITY_MAP_ADDR");
            Kvm.ioctl(vmFd, Kvm.CREATE_IRQCHIP, 0, "KVM_CREATE_IRQCHIP");
            MemorySegment pit = a.allocate(KvmVmArgs.PIT_CONFIG);
            pit.set(ValueLayout.JAVA_INT, 0, KvmVmArgs.PIT_SPEAKER_DUMMY);
            Kvm.ioctl(vmFd, Kvm.CREATE_PIT2, pit, "KVM_CREATE_PIT2");
        }
        // SAFETY: segment() is GuestMemory's live mapping; KVM keeps using its address until
        // this VM's fd is closed, which close() does before the caller may close the memory.
        setMemoryRegion(0, 0, memory.base(), memory.size(), memory.segment().address());
    }

    /** KVM_SET_USER_MEMORY_REGION; a size of 0 deletes the slot. */
    public void setMemoryRegion(int slot, int flags, long guestAddress, long size, long hostAddress) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment region = a.allocate(KvmUserspaceMemoryRegion.LAYOUT);
            KvmUserspaceMemoryRegion.write(region, slot, flags, guestAddress, size, hostAddress);
            Kvm.ioctl(vmFd, Kvm.SET_USER_MEMORY_REGION, region, String.format(
                    "KVM_SET_USER_MEMORY_REGION(slot %d, gpa 0x%x, %d bytes)", slot, guestAddress, size));
        }
    }

    private MemorySegment readSupportedCpuid() {
        for (int entries = 128; ; entries *= 2) {
            MemorySegment table = arena.allocate(KvmCpuid2.byteSize(entries), 8);
            KvmCpuid2.setCount(table, entries);
            try {
                Kvm.ioctl(systemFd, Kvm.GET_SUPPORTED_CPUID, table, "KVM_GET_SUPPORTED_CPUID");
                return table;
            } catch (NativeException e) {
                if (e.errno() != E2BIG || entries >= 4096) throw e;
            }
        }
    }

    /** The host's supported CPUID table (read-only; copy it before changing entries). */
    MemorySegment supportedCpuid() { return supportedCpuid; }

    boolean tscDeadlineTimer() { return tscDeadline; }

    int vmFd() { return vmFd; }

    int runMapSize() { return runMapSize; }

    /** Sets the level of input {@code irq} of the in-kernel PIC and IOAPIC (KVM_IRQ_LINE). Any thread. */
    public void setIrqLine(int irq, boolean level) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment arg = a.allocate(KvmVmArgs.IRQ_LEVEL);
            arg.set(ValueLayout.JAVA_INT, 0, irq);
            arg.set(ValueLayout.JAVA_INT, 4, level ? 1 : 0);
            Kvm.ioctl(vmFd, Kvm.IRQ_LINE, arg, "KVM_IRQ_LINE(" + irq + ")");
        }
    }

    /** An interrupt line wired to input {@code irq} of the in-kernel irqchip. */
    public InterruptLine interruptLine(int irq) { return level -> setIrqLine(irq, level); }

    /**
     * Binds a new eventfd to {@code gsi} (KVM_IRQFD): each {@link EventFd#signal} injects an
     * edge on that GSI from inside the kernel. The VM owns the eventfd and closes it.
     */
    public synchronized EventFd registerIrqfd(int gsi) {
        EventFd event = new EventFd();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment arg = a.allocate(KvmIrqfd.LAYOUT);
            KvmIrqfd.write(arg, event.fd(), gsi, 0, 0);
            Kvm.ioctl(vmFd, Kvm.IRQFD, arg, "KVM_IRQFD(gsi " + gsi + ")");
        } catch (RuntimeException e) {
            event.close();
            throw e;
        }
        eventFds.add(event);
        return event;
    }

    /**
     * Binds a new eventfd to guest writes of {@code length} bytes at {@code address}
     * (KVM_IOEVENTFD): such writes signal the eventfd in the kernel and never exit to Vireo.
     * With {@code datamatch} present only writes of that value do. The VM owns the eventfd.
     *
     * @param port true for an I/O port address, false for guest physical (MMIO)
     */
    public synchronized EventFd registerIoeventfd(long address, int length, boolean port, OptionalLong datamatch) {
        EventFd event = new EventFd();
        int flags = (port ? KvmIoeventfd.FLAG_PIO : 0) | (datamatch.isPresent() ? KvmIoeventfd.FLAG_DATAMATCH : 0);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment arg = a.allocate(KvmIoeventfd.LAYOUT);
            KvmIoeventfd.write(arg, datamatch.orElse(0), address, length, event.fd(), flags);
            Kvm.ioctl(vmFd, Kvm.IOEVENTFD, arg, String.format("KVM_IOEVENTFD(0x%x, %d bytes)", address, length));
        } catch (RuntimeException e) {
            event.close();
            throw e;
        }
        eventFds.add(event);
        return event;
    }

    @Override
    public GuestMemory memory() { return memory; }

    @Override
    public int vcpuCount() { return vcpuCount; }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        Kvm.close(vmFd);   // the kernel drops irqfds, ioeventfds and memory slots with the VM
        for (EventFd e : eventFds) e.close();
        Kvm.close(systemFd);
    }
}
