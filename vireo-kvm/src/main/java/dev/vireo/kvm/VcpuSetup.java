package dev.vireo.kvm;

import dev.vireo.kvm.boot.EntryState;
import dev.vireo.kvm.boot.LowMemory;
import dev.vireo.kvm.sys.Kvm;
import dev.vireo.kvm.sys.KvmCpuid2;
import dev.vireo.kvm.sys.KvmFpu;
import dev.vireo.kvm.sys.KvmLapicState;
import dev.vireo.kvm.sys.KvmMsrs;
import dev.vireo.kvm.sys.KvmRegs;
import dev.vireo.kvm.sys.KvmSegment;
import dev.vireo.kvm.sys.KvmSregs;
import dev.vireo.kvm.sys.KvmSregs.Control;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Puts a fresh vCPU into the state Vireo boots from, on the vCPU's own thread: CPUID (the
 * host's supported table with per-vCPU fix-ups), boot MSRs, FPU reset values, LAPIC LINT0/1
 * as ExtINT/NMI, and for the boot vCPU (or every vCPU of an ELF guest) 64-bit mode at an
 * {@link EntryState}. Order matters: CPUID before MSRs, SREGS before LAPIC (REFERENCE.md).
 */
final class VcpuSetup {
    static final int MSR_IA32_TSC = 0x10, MSR_IA32_SYSENTER_CS = 0x174, MSR_IA32_SYSENTER_ESP = 0x175,
            MSR_IA32_SYSENTER_EIP = 0x176, MSR_IA32_MISC_ENABLE = 0x1A0, MSR_MTRR_DEF_TYPE = 0x2FF,
            MSR_STAR = 0xC000_0081, MSR_LSTAR = 0xC000_0082, MSR_CSTAR = 0xC000_0083, MSR_SYSCALL_MASK = 0xC000_0084,
            MSR_KERNEL_GS_BASE = 0xC000_0102;
    private static final long CR0_PE = 1, CR0_MP = 2, CR0_ET = 0x10, CR0_NE = 0x20, CR0_PG = 1L << 31;
    private static final long CR4_PAE = 0x20, CR4_OSFXSR = 0x200, CR4_OSXMMEXCPT = 0x400;
    private static final long EFER_SCE = 1, EFER_LME = 0x100, EFER_LMA = 0x400;

    private VcpuSetup() {}

    /** CPUID, MSRs, FPU and LAPIC: what every vCPU needs, whether it starts now or at SIPI. */
    static void configure(KvmVcpu vcpu, int vcpuCount) {
        setCpuid(vcpu, vcpuCount);
        setMsrs(vcpu);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment fpu = a.allocate(KvmFpu.LAYOUT);
            KvmFpu.writeResetState(fpu);
            vcpu.ioctl(Kvm.SET_FPU, fpu, "KVM_SET_FPU");
        }
    }

    private static void setCpuid(KvmVcpu vcpu, int vcpuCount) {
        MemorySegment supported = vcpu.vm().supportedCpuid();
        int n = KvmCpuid2.count(supported);
        boolean hasKvmLeaf = false;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment table = a.allocate(KvmCpuid2.byteSize(n + 2), 8);
            int out = 0;
            for (int i = 0; i < n; i++) {
                KvmCpuid2.Entry e = KvmCpuid2.entry(supported, i);
                if (e.function() == 0x4000_0000) hasKvmLeaf = true;
                KvmCpuid2.setEntry(table, out++, fixUp(e, vcpu.id(), vcpuCount, vcpu.vm().tscDeadlineTimer()));
            }
            if (!hasKvmLeaf) {
                // "KVMKVMKVM\0\0\0" as EBX, ECX, EDX; EAX = highest hypervisor leaf.
                KvmCpuid2.setEntry(table, out++, new KvmCpuid2.Entry(0x4000_0000, 0, 0, 0x4000_0001,
                        0x4B4D_564B, 0x564B_4D56, 0x4D));
                KvmCpuid2.setEntry(table, out++, new KvmCpuid2.Entry(0x4000_0001, 0, 0, 0, 0, 0, 0));
            }
            KvmCpuid2.setCount(table, out);
            vcpu.ioctl(Kvm.SET_CPUID2, table, "KVM_SET_CPUID2");
        }
    }

    /** The per-vCPU CPUID fix-ups: APIC ids, logical CPU count, hypervisor bit, TSC deadline. */
    static KvmCpuid2.Entry fixUp(KvmCpuid2.Entry e, int apicId, int vcpuCount, boolean tscDeadline) {
        return switch (e.function()) {
            case 1 -> {
                int ebx = (e.ebx() & 0x0000_FFFF) | (apicId << 24) | (Math.min(vcpuCount, 255) << 16);
                int ecx = e.ecx() | (1 << 31);                      // running under a hypervisor
                if (tscDeadline) ecx |= 1 << 24;
                int edx = e.edx() | (vcpuCount > 1 ? 1 << 28 : 0);  // HTT: EBX[23:16] is valid
                yield new KvmCpuid2.Entry(1, e.index(), e.flags(), e.eax(), ebx, ecx, edx);
            }
            case 0xB, 0x1F -> new KvmCpuid2.Entry(e.function(), e.index(), e.flags(), e.eax(), e.ebx(), e.ecx(), apicId);
            default -> e;
        };
    }

    private static void setMsrs(KvmVcpu vcpu) {
        int[] index = {MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP, MSR_STAR, MSR_LSTAR,
                MSR_CSTAR, MSR_SYSCALL_MASK, MSR_KERNEL_GS_BASE, MSR_IA32_TSC, MSR_IA32_MISC_ENABLE, MSR_MTRR_DEF_TYPE};
        long[] value = {0, 0, 0, 0, 0, 0, 0, 0, 0, 1 /* fast strings */, 0x806 /* MTRRs on, default write-back */};
        try (Arena a = Arena.ofConfined()) {
            MemorySegment msrs = a.allocate(KvmMsrs.byteSize(index.length), 8);
            KvmMsrs.write(msrs, index, value);
            int done = vcpu.ioctl(Kvm.SET_MSRS, msrs, "KVM_SET_MSRS");
            if (done != index.length) {
                throw new KvmException(String.format("KVM refused MSR 0x%x on vCPU %d (set %d of %d)",
                        index[done], vcpu.id(), done, index.length));
            }
        }
    }

    /**
     * Enters 64-bit mode at {@code entry}: paging on with {@link LowMemory}'s identity map,
     * CS = {@link LowMemory#KERNEL_CS}, data segments {@link LowMemory#KERNEL_DS}, TR the TSS,
     * interrupts off. Then LAPIC LINT0 = ExtINT, LINT1 = NMI.
     */
    static void enterLongMode(KvmVcpu vcpu, EntryState entry) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sregs = a.allocate(KvmSregs.LAYOUT);
            vcpu.ioctl(Kvm.GET_SREGS, sregs, "KVM_GET_SREGS");
            KvmSregs.setSegment(sregs, KvmSregs.Segment.CS,
                    KvmSegment.fromDescriptor(LowMemory.KERNEL_CS, LowMemory.GDT_ENTRIES[LowMemory.KERNEL_CS / 8]));
            KvmSegment data = KvmSegment.fromDescriptor(LowMemory.KERNEL_DS, LowMemory.GDT_ENTRIES[LowMemory.KERNEL_DS / 8]);
            for (KvmSregs.Segment s : new KvmSregs.Segment[] {
                    KvmSregs.Segment.DS, KvmSregs.Segment.ES, KvmSregs.Segment.FS, KvmSregs.Segment.GS, KvmSregs.Segment.SS}) {
                KvmSregs.setSegment(sregs, s, data);
            }
            // Busy 64-bit TSS (type 11): VM entry requires a usable TR in long mode.
            KvmSregs.setSegment(sregs, KvmSregs.Segment.TR, new KvmSegment(LowMemory.TSS, LowMemory.TSS_LIMIT,
                    LowMemory.TSS_SELECTOR, 11, true, 0, false, false, false, false, false, false));
            KvmSregs.setGdt(sregs, LowMemory.GDT, LowMemory.GDT_LIMIT);
            KvmSregs.setIdt(sregs, 0, 0);
            KvmSregs.set(sregs, Control.CR0, CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_PG);
            KvmSregs.set(sregs, Control.CR3, LowMemory.PML4);
            KvmSregs.set(sregs, Control.CR4, CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT);
            KvmSregs.set(sregs, Control.EFER, EFER_SCE | EFER_LME | EFER_LMA);
            vcpu.ioctl(Kvm.SET_SREGS, sregs, "KVM_SET_SREGS");

            MemorySegment regs = a.allocate(KvmRegs.LAYOUT);
            KvmRegs.set(regs, KvmRegs.Register.RFLAGS, 0x2);
            KvmRegs.set(regs, KvmRegs.Register.RIP, entry.rip());
            KvmRegs.set(regs, KvmRegs.Register.RSP, entry.rsp());
            KvmRegs.set(regs, KvmRegs.Register.RBP, entry.rsp());
            KvmRegs.set(regs, KvmRegs.Register.RSI, entry.rsi());
            KvmRegs.set(regs, KvmRegs.Register.RDI, entry.rdi());
            vcpu.ioctl(Kvm.SET_REGS, regs, "KVM_SET_REGS");
        }
        initLapic(vcpu);
    }

    /** LINT0 as ExtINT (the PIC's output) and LINT1 as NMI, as firmware leaves them. */
    static void initLapic(KvmVcpu vcpu) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment lapic = a.allocate(KvmLapicState.LAYOUT);
            vcpu.ioctl(Kvm.GET_LAPIC, lapic, "KVM_GET_LAPIC");
            KvmLapicState.setDeliveryMode(lapic, KvmLapicState.LVT_LINT0, KvmLapicState.DELIVERY_EXTINT);
            KvmLapicState.setDeliveryMode(lapic, KvmLapicState.LVT_LINT1, KvmLapicState.DELIVERY_NMI);
            vcpu.ioctl(Kvm.SET_LAPIC, lapic, "KVM_SET_LAPIC");
        }
    }
}
